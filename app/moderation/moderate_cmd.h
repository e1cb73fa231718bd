#ifndef BB_MODERATION_MODERATE_CMD_H
#define BB_MODERATION_MODERATE_CMD_H
/*
 * `beaubelle moderate IMAGE… [--repeat N] [--ppm DIR]`: the three
 * phases on each image with the built-in engine, one JSON object per
 * line. config is the --config path main() took out of argv (NULL: the
 * usual lookup). Exit status 0, 1 when an image could not be analysed
 * or the models could not be loaded, 2 on a usage error.
 */
int moderate_cmd(const char *config, int argc, char **argv);

#endif
