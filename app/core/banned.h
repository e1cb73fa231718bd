#ifndef BB_BANNED_H
#define BB_BANNED_H
/*
 * Unsafe libc calls become compile errors: use buf_* or snprintf. Include
 * this header last in every .c file, after all system headers, so their
 * declarations stay usable (GCC and clang only reject a poisoned name
 * written after this point; git's banned.h does the same with macros).
 * A header may define one of them as a macro (fortified builds): it is
 * dropped first, since we never call it.
 */
#undef strcpy
#undef strcat
#undef strncpy
#undef strncat
#undef sprintf
#undef vsprintf
#undef gets
#undef strtok
#pragma GCC poison strcpy strcat strncpy strncat sprintf vsprintf gets strtok

#endif
