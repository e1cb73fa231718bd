/*
 * The `moderate` subcommand (moderate_cmd.h). Each line carries the
 * faces (box in pixels of the analysed image, detector score, P(female)
 * and age), the five nsfwjs probabilities, the default policy's
 * decision and reason, and milliseconds per phase.
 *
 * --repeat N analyses each image N times and reports the median of
 * each timing (the numbers themselves do not change); --ppm DIR writes
 * the pixels the models saw to DIR/NAME.ppm, so that another
 * implementation can be fed exactly the same input.
 */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/conf.h"
#include "media/image.h"
#include "moderation/moderate.h"
#include "moderation/moderate_cmd.h"
#include "moderation/policy.h"

#include "core/banned.h"

static const char moderate_usage[] =
	"usage: beaubelle moderate IMAGE... [--repeat N] [--ppm DIR] [--config FILE]\n";

#define MODERATE_MAX_REPEAT 1000

struct moderate_opts {
	int repeat;
	const char *ppm_dir;
};

/* Seven significant digits: about what a float holds, and easier to read. */
static json_object *moderate_num(double v)
{
	char s[32];

	if (!isfinite(v)) /* JSON has no NaN or infinity */
		return NULL;
	snprintf(s, sizeof(s), "%.7g", v);
	return json_object_new_double_s(v, s);
}

static json_object *moderate_faces_json(const struct mod_result *r)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < r->nfaces; i++) {
		const struct mod_face *f = &r->faces[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "x", moderate_num(f->x));
		json_object_object_add(o, "y", moderate_num(f->y));
		json_object_object_add(o, "w", moderate_num(f->w));
		json_object_object_add(o, "h", moderate_num(f->h));
		json_object_object_add(o, "score", moderate_num(f->score));
		json_object_object_add(o, "female", f->female >= 0 ? moderate_num(f->female) : NULL);
		json_object_object_add(o, "age", f->age >= 0 ? moderate_num(f->age) : NULL);
		json_object_array_add(a, o);
	}
	return a;
}

/* The JSON line for one analysed image; freed by the caller. */
static json_object *moderate_json(const char *file, const struct mod_result *r)
{
	json_object *o = json_object_new_object(), *nsfw = json_object_new_object();
	json_object *ms = json_object_new_object();
	struct mod_policy policy;
	enum mod_reason reason;
	enum mod_decision d;

	mod_policy_defaults(&policy);
	d = mod_decide(r, &policy, &reason);
	json_object_object_add(o, "file", json_object_new_string(file));
	json_object_object_add(o, "width", json_object_new_int(r->width));
	json_object_object_add(o, "height", json_object_new_int(r->height));
	json_object_object_add(o, "faces", moderate_faces_json(r));
	for (int i = 0; i < MOD_NCLASSES; i++)
		json_object_object_add(nsfw, mod_class_names[i], moderate_num(r->nsfw[i]));
	json_object_object_add(o, "nsfw", nsfw);
	json_object_object_add(o, "decision", json_object_new_string(mod_decision_name(d)));
	json_object_object_add(o, "reason", json_object_new_string(mod_reason_key(reason)));
	json_object_object_add(o, "message", json_object_new_string(mod_reason_text(reason)));
	json_object_object_add(ms, "decode", moderate_num(r->ms_decode));
	json_object_object_add(ms, "detect", moderate_num(r->ms_detect));
	json_object_object_add(ms, "gender", moderate_num(r->ms_gender));
	json_object_object_add(ms, "nsfw", moderate_num(r->ms_nsfw));
	json_object_object_add(ms, "total", moderate_num(r->ms_total));
	json_object_object_add(o, "ms", ms);
	return o;
}

/* Write img as a binary PPM to dir/basename(file).ppm. */
static int moderate_write_ppm(const char *dir, const char *file, const struct mod_image *img)
{
	struct buf path = BUF_INIT, copy = BUF_INIT;
	FILE *f = NULL;
	int rc = -1;

	if (buf_puts(&copy, file) < 0 ||
	    buf_printf(&path, "%s/%s.ppm", dir, basename(copy.ptr)) < 0)
		goto out;
	f = fopen(path.ptr, "wb");
	if (!f)
		goto out;
	if (fprintf(f, "P6\n%d %d\n255\n", img->w, img->h) > 0 &&
	    fwrite(img->rgb, 3, (size_t)img->w * img->h, f) == (size_t)img->w * img->h)
		rc = 0;
	if (fclose(f) != 0)
		rc = -1;
out:
	if (rc < 0)
		fprintf(stderr, "beaubelle moderate: cannot write %s: %s\n",
			path.ptr ? path.ptr : dir, strerror(errno));
	buf_release(&path);
	buf_release(&copy);
	return rc;
}

static int moderate_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double moderate_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), moderate_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double moderate_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One timed run: decode and analyse file into *r (and *img, kept). */
static int moderate_run(const struct mod_engine *e, const char *file, struct mod_image *img,
			struct mod_result *r, struct buf *err)
{
	double t0 = moderate_now_ms(), t1;
	int rc = mod_image_load(file, img, err);

	if (rc != MOD_OK)
		return rc;
	t1 = moderate_now_ms();
	rc = mod_analyze(e, img, MOD_PHASE_ALL, r, err);
	r->ms_decode = t1 - t0;
	r->ms_total = moderate_now_ms() - t0;
	return rc;
}

/*
 * Analyse one file opts->repeat times into *r, each timing being the
 * median over the runs. The decode is timed on every run, so that
 * "total" is what a job spends.
 */
static int moderate_one(const struct mod_engine *e, const char *file,
			const struct moderate_opts *opts, struct mod_result *r, struct buf *err)
{
	const int n = opts->repeat;
	double *ms = calloc((size_t)n * 5, sizeof(double));
	int rc = MOD_EINTERNAL;

	if (!ms) {
		buf_puts(err, "out of memory");
		return rc;
	}
	for (int i = 0; i < n; i++) {
		struct mod_image img;

		rc = moderate_run(e, file, &img, r, err);
		if (rc == MOD_OK && i == 0 && opts->ppm_dir &&
		    moderate_write_ppm(opts->ppm_dir, file, &img) < 0) {
			buf_puts(err, "cannot write the pixels");
			rc = MOD_EINTERNAL;
		}
		mod_image_release(&img);
		if (rc != MOD_OK)
			break;
		ms[i] = r->ms_decode;
		ms[n + i] = r->ms_detect;
		ms[2 * n + i] = r->ms_gender;
		ms[3 * n + i] = r->ms_nsfw;
		ms[4 * n + i] = r->ms_total;
	}
	if (rc == MOD_OK) {
		r->ms_decode = moderate_median(ms, n);
		r->ms_detect = moderate_median(ms + n, n);
		r->ms_gender = moderate_median(ms + 2 * n, n);
		r->ms_nsfw = moderate_median(ms + 3 * n, n);
		r->ms_total = moderate_median(ms + 4 * n, n);
	}
	free(ms);
	return rc;
}

/* Options out of argv (files stay, compacted); -1 on a usage error. */
static int moderate_parse(int *argc, char **argv, struct moderate_opts *opts)
{
	int out = 0;

	opts->repeat = 1;
	opts->ppm_dir = NULL;
	for (int i = 0; i < *argc; i++) {
		if (strcmp(argv[i], "--repeat") == 0 && i + 1 < *argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);

			if (*end || v < 1 || v > MODERATE_MAX_REPEAT)
				return -1;
			opts->repeat = (int)v;
		} else if (strcmp(argv[i], "--ppm") == 0 && i + 1 < *argc) {
			opts->ppm_dir = argv[++i];
		} else if (strncmp(argv[i], "--", 2) == 0) {
			return -1;
		} else {
			argv[out++] = argv[i];
		}
	}
	*argc = out;
	return out > 0 ? 0 : -1;
}

int moderate_cmd(const char *config, int argc, char **argv)
{
	struct buf err = BUF_INIT;
	struct moderate_opts opts;
	struct mod_engine *e = NULL;
	struct conf *c;
	int status = 0;

	if (moderate_parse(&argc, argv, &opts) < 0) {
		fputs(moderate_usage, stderr);
		return 2;
	}
	c = conf_load(config, &err);
	if (!c) {
		fprintf(stderr, "beaubelle moderate: configuration: %s\n", err.ptr);
		buf_release(&err);
		return 1;
	}
	if (img_init("beaubelle") < 0 || mod_engine_open(c, &e, &err) < 0) {
		if (strcmp(c->moderation_mode, "remote") == 0)
			fprintf(stderr, "beaubelle moderate: remote engine: %s\n",
				err.ptr ? err.ptr : "libvips failed to start");
		else
			fprintf(stderr, "beaubelle moderate: cannot load the models from %s: %s\n"
					"(scripts/fetch-models downloads and converts them)\n",
				c->models_dir, err.ptr ? err.ptr : "libvips failed to start");
		status = 1;
		goto out;
	}
	for (int i = 0; i < argc; i++) {
		struct mod_result r;
		json_object *o;

		buf_clear(&err);
		if (moderate_one(e, argv[i], &opts, &r, &err) != MOD_OK) {
			o = json_object_new_object();
			json_object_object_add(o, "file", json_object_new_string(argv[i]));
			json_object_object_add(o, "error",
					       json_object_new_string(err.ptr ? err.ptr : "failed"));
			status = 1;
		} else {
			o = moderate_json(argv[i], &r);
		}
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		fflush(stdout);
	}
out:
	mod_engine_free(e);
	conf_free(c);
	buf_release(&err);
	return status;
}
