#ifndef BB_MEDIA_IMAGE_CMD_H
#define BB_MEDIA_IMAGE_CMD_H
/*
 * `beaubelle image FILE... [--media-root DIR]`: run the image pipeline on
 * files, as an upload would, and print one JSON object per file on its
 * own line. For operators checking what an image would become, and for
 * tests and benchmarks. argv holds the arguments after "image". Returns
 * the exit status: 0 when every file was accepted, 1 when any was
 * refused, 2 on a usage error.
 */
int image_cmd(int argc, char **argv);

#endif
