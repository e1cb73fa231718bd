#ifndef BB_LOG_H
#define BB_LOG_H
/*
 * One line per event on stderr. Under systemd (JOURNAL_STREAM set) lines
 * carry the <N> syslog prefix journald understands; otherwise a UTC
 * timestamp. Messages are key=value text and never contain secrets.
 */
enum log_level {
	BB_LOG_ERR = 3,
	BB_LOG_WARN = 4,
	BB_LOG_INFO = 6,
	BB_LOG_DEBUG = 7,
};

void log_init(const char *name, enum log_level min);
/* Parse "error", "warn", "info" or "debug"; -1 on anything else. */
int log_level_parse(const char *s, enum log_level *out);
void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(BB_LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(BB_LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(BB_LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(BB_LOG_DEBUG, __VA_ARGS__)

#endif
