#ifndef BB_SEED_H
#define BB_SEED_H
/*
 * `beaubelle seed`: fill the database of a running stack with a realistic
 * data set for demos and benchmarks: accounts with Japanese and English
 * names and bios, power-law follower counts, posts with hashtags and
 * images, likes and super likes, and reposts, with every counter exact.
 *
 *   beaubelle seed --users N --posts M [--seed S] [--prefix P]
 *                  [--images DIR] [--password P] [--likes L] [--reposts R]
 *
 * The same options and seed give the same data. Accounts are named
 * P00001, P00002, … (P defaults to "user"); the command refuses to run
 * when such an account exists, so a second set needs another prefix and
 * nothing it did not create is ever touched.
 */

/* Parse argv (after "seed"), load the configuration from config (NULL:
 * BEAUBELLE_CONFIG) and seed. Returns the process exit status. */
int seed_cmd(const char *config, int argc, char **argv);

#endif
