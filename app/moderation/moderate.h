#ifndef BB_MODERATION_MODERATE_H
#define BB_MODERATION_MODERATE_H
/*
 * BeauBelle AI: the in-process screening of an image, in three phases
 * ordered by cost:
 *   1. faces: face-api's TinyFaceDetector (boxes and scores);
 *   2. gender: face-api's AgeGenderNet on each face found (P(female),
 *      age in years);
 *   3. decency: nsfwjs's MobileNetV2 (five class probabilities).
 * The numbers are those TensorFlow.js computes with the same models (the
 * oracle test holds us to 1e-4). What to do with them is policy.h's job.
 *
 * The engine (the three models' weights, about 13 MB of floats) is
 * loaded once per process from the folder scripts/fetch-models fills
 * and is read-only afterwards: threads may share it. Each analysis
 * allocates its own scratch memory (about 12 MB at most) and frees it
 * before returning; nothing depends on the size of the upload, which
 * is decoded at most MOD_DECODE_MAX pixels on its long side.
 */
#include <stdbool.h>

struct buf;
struct conf;
struct mod_engine;

#define MOD_MAX_FACES 16
/* The detector's input size (a multiple of 32) and score threshold,
 * face-api's defaults. */
#define MOD_DETECT_SIZE 416
#define MOD_DETECT_THRESHOLD 0.5f
/*
 * Files are decoded to at most this many pixels on their long side
 * (libvips shrinks on load, then resamples with an antialiasing
 * filter). The networks look at 416, 224 and 112 pixels; a face big
 * enough to be detected at 416 is at least 120 pixels wide here.
 */
#define MOD_DECODE_MAX 1024

/* Indices of mod_result.nsfw, nsfwjs's class order. */
enum mod_class {
	MOD_DRAWING,
	MOD_HENTAI,
	MOD_NEUTRAL,
	MOD_PORN,
	MOD_SEXY,
	MOD_NCLASSES
};

/* "Drawing", "Hentai", "Neutral", "Porn", "Sexy". */
extern const char *const mod_class_names[MOD_NCLASSES];

/* A face, in pixels of the analysed image. female and age are -1 when
 * phase 2 did not run on it (not asked for, or the box lies outside the
 * image). */
struct mod_face {
	float x, y, w, h, score;
	float female, age;
};

struct mod_result {
	int width, height;  /* of the analysed pixels */
	struct mod_face faces[MOD_MAX_FACES]; /* best score first */
	int nfaces;
	float nsfw[MOD_NCLASSES]; /* all -1 when phase 3 did not run */
	double ms_decode, ms_detect, ms_gender, ms_nsfw, ms_total;
};

/* The phases to run; gender needs faces. */
enum mod_phase {
	MOD_PHASE_FACES = 1,
	MOD_PHASE_GENDER = 2,
	MOD_PHASE_NSFW = 4,
	MOD_PHASE_ALL = 7,
};

enum mod_status {
	MOD_OK = 0,
	MOD_EIMAGE = -1,    /* the file is not an image we accept, too big, or damaged */
	MOD_EINTERNAL = -2, /* out of memory, libvips not initialised */
	MOD_EREMOTE = -3,   /* mode = remote: the server failed after retries, or answered nonsense */
};

/* The model names a remote server serves (KServe v2 {model} in the URL),
 * the folder names of models_dir. */
#define MOD_REMOTE_DETECT "tiny_face_detector"
#define MOD_REMOTE_AG "age_gender"
#define MOD_REMOTE_NSFW "nsfw_mobilenet_v2"

/* Decoded pixels: RGB8, rows of 3 * w bytes; from mod_image_load(),
 * released with mod_image_release() (the buffer is libvips's). */
struct mod_image {
	unsigned char *rgb;
	int w, h;
};

/*
 * Load the three models from models_dir (subfolders nsfw_mobilenet_v2,
 * tiny_face_detector, age_gender). Returns 0 with *out set, or -1 with a
 * message in err naming the file or tensor at fault.
 */
int mod_engine_load(const char *models_dir, struct mod_engine **out, struct buf *err);
/*
 * An engine whose networks run on a KServe v2 server at url (remote.h
 * has the protocol, docs/models.md the tensors): no weights are loaded;
 * pre- and post-processing stay here, so the numbers are the same.
 * 0 with *out set, or -1 with the reason in err.
 */
int mod_engine_remote(const char *url, int timeout_s, int retries, struct mod_engine **out,
		      struct buf *err);
/* The engine [moderation] mode asks for: remote, else the built-in one
 * from models_dir. */
int mod_engine_open(const struct conf *c, struct mod_engine **out, struct buf *err);
bool mod_engine_is_remote(const struct mod_engine *e);
void mod_engine_free(struct mod_engine *e);

/*
 * Decode an image file as uploads are: JPEG, PNG, WebP or GIF by its
 * magic bytes, within media/image.h's limits on bytes and pixels, the
 * first frame, EXIF orientation applied, converted to sRGB, alpha
 * flattened on white, shrunk to MOD_DECODE_MAX. img_init() must have
 * run (it is called here if not). Returns MOD_OK, MOD_EIMAGE with the
 * reason in err, or MOD_EINTERNAL.
 */
int mod_image_load(const char *path, struct mod_image *img, struct buf *err);
void mod_image_release(struct mod_image *img);

/* Run the given phases on img into *out. MOD_OK, MOD_EINTERNAL or
 * MOD_EREMOTE, with the reason in err (which may be NULL). */
int mod_analyze(const struct mod_engine *e, const struct mod_image *img, unsigned phases,
		struct mod_result *out, struct buf *err);

/* All three phases on RGB8 pixels (rows of 3 * w bytes, any size). */
int mod_analyze_rgb(const struct mod_engine *e, const unsigned char *rgb, int w, int h,
		    struct mod_result *out);

/* mod_image_load() then all three phases; ms_decode and ms_total count
 * the decode. MOD_OK, MOD_EIMAGE, MOD_EINTERNAL or MOD_EREMOTE, with
 * the reason in err. */
int mod_analyze_file(const struct mod_engine *e, const char *path, struct mod_result *out,
		     struct buf *err);

#endif
