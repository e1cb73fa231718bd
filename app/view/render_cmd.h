#ifndef BB_RENDER_CMD_H
#define BB_RENDER_CMD_H
/*
 * `beaubelle render TEMPLATE DATA.json [--partials DIR]`: render one
 * template file with JSON data to stdout, for tests and for designers
 * working on templates without the whole stack.
 */

/*
 * argc/argv are the arguments after "render" (argv[0] is TEMPLATE). Partials
 * and parents are loaded from DIR, by default the template's own folder,
 * named as tpl_set_load_dir() names them. References to templates that
 * are not there are reported on stderr as warnings and render as nothing.
 * Returns the exit status: 0, or 1 after a message on stderr (bad usage,
 * unreadable file, bad JSON, template syntax error).
 */
int render_cmd(int argc, char **argv);

#endif
