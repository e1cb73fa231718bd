/*
 * The engine and the three phases (moderate.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <vips/vips.h>

#include "core/buf.h"
#include "media/image.h"
#include "core/conf.h"
#include "moderation/models.h"
#include "moderation/moderate.h"
#include "moderation/remote.h"

#include "core/banned.h"

const char *const mod_class_names[MOD_NCLASSES] = { "Drawing", "Hentai", "Neutral", "Porn",
						     "Sexy" };

/* With remote set, the networks run on that server and the weights
 * are not loaded: the structs below stay zero. */
struct mod_engine {
	struct mod_remote *remote;
	struct mod_weights w_nsfw, w_detect, w_ag;
	struct mod_nsfw nsfw;
	struct mod_detect detect;
	struct mod_ag ag;
};

/* Load models_dir/sub into w, then build the model with load(). */
static int mod_engine_part(const char *models_dir, const char *sub, struct mod_weights *w,
			   struct buf *err)
{
	struct buf dir = BUF_INIT;
	int rc;

	if (buf_printf(&dir, "%s/%s", models_dir, sub) < 0) {
		buf_puts(err, "out of memory");
		return -1;
	}
	rc = mod_weights_load(w, dir.ptr, err);
	buf_release(&dir);
	return rc;
}

int mod_engine_load(const char *models_dir, struct mod_engine **out, struct buf *err)
{
	struct mod_engine *e = calloc(1, sizeof(*e));

	*out = NULL;
	if (!e) {
		buf_puts(err, "out of memory");
		return -1;
	}
	if (mod_engine_part(models_dir, "nsfw_mobilenet_v2", &e->w_nsfw, err) < 0 ||
	    mod_nsfw_load(&e->nsfw, &e->w_nsfw, err) < 0 ||
	    mod_engine_part(models_dir, "tiny_face_detector", &e->w_detect, err) < 0 ||
	    mod_detect_load(&e->detect, &e->w_detect, err) < 0 ||
	    mod_engine_part(models_dir, "age_gender", &e->w_ag, err) < 0 ||
	    mod_ag_load(&e->ag, &e->w_ag, err) < 0) {
		mod_engine_free(e);
		return -1;
	}
	*out = e;
	return 0;
}

int mod_engine_remote(const char *url, int timeout_s, int retries, struct mod_engine **out,
		      struct buf *err)
{
	struct mod_engine *e = calloc(1, sizeof(*e));

	*out = NULL;
	if (!e) {
		buf_puts(err, "out of memory");
		return -1;
	}
	if (mod_remote_new(url, timeout_s, retries, &e->remote, err) < 0) {
		free(e);
		return -1;
	}
	*out = e;
	return 0;
}

int mod_engine_open(const struct conf *c, struct mod_engine **out, struct buf *err)
{
	if (strcmp(c->moderation_mode, "remote") == 0)
		return mod_engine_remote(c->mod_remote_url, c->mod_remote_timeout,
					 c->mod_remote_retries, out, err);
	return mod_engine_load(c->models_dir, out, err);
}

bool mod_engine_is_remote(const struct mod_engine *e)
{
	return e && e->remote;
}

void mod_engine_free(struct mod_engine *e)
{
	if (!e)
		return;
	mod_remote_free(e->remote);
	mod_weights_release(&e->w_nsfw);
	mod_weights_release(&e->w_detect);
	mod_weights_release(&e->w_ag);
	free(e);
}

static double mod_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* The whole of img as a canvas of its own size. */
static struct mod_canvas mod_canvas_of(const struct mod_image *img)
{
	struct mod_canvas c = { img->rgb, (size_t)img->w * 3, img->w, img->h, 0, 0, img->w, img->h };

	return c;
}

/*
 * The networks, tensor in, tensor out: the kernels here, or the remote
 * server. Each consumes its input tensor (given back to ws). Remote
 * failures return MOD_EREMOTE with the reason in err.
 */
static int mod_net_detect(const struct mod_engine *e, struct mod_ws *ws, struct mod_tensor *x,
			  struct buf *err)
{
	struct mod_remote_tensor in = { "input", 4, { 1, x->h, x->w, 3 }, x->d };
	struct mod_remote_tensor o = { NULL, 4, { 1, x->h / 32, x->w / 32, MOD_DETECT_ANCHORS * 5 },
				       NULL };
	struct mod_tensor y;
	int rc;

	if (!e->remote)
		return mod_detect_forward(&e->detect, ws, x) < 0 ? MOD_EINTERNAL : MOD_OK;
	if (mod_tensor_new(ws, &y, x->h / 32, x->w / 32, MOD_DETECT_ANCHORS * 5) < 0)
		return MOD_EINTERNAL;
	o.data = y.d;
	rc = mod_remote_infer(e->remote, MOD_REMOTE_DETECT, &in, &o, 1, err);
	mod_tensor_drop(ws, x);
	*x = y;
	return rc == MOD_REMOTE_OK ? MOD_OK : rc == MOD_REMOTE_ENOMEM ? MOD_EINTERNAL : MOD_EREMOTE;
}

static int mod_net_ag(const struct mod_engine *e, struct mod_ws *ws, struct mod_tensor *x,
		      float *age, float gender[2], struct buf *err)
{
	struct mod_remote_tensor in = { "input", 4, { 1, x->h, x->w, 3 }, x->d };
	struct mod_remote_tensor o[2] = { { "age", 2, { 1, 1 }, age }, { "gender", 2, { 1, 2 }, gender } };
	int rc;

	if (!e->remote)
		return mod_ag_forward(&e->ag, ws, x, age, gender) < 0 ? MOD_EINTERNAL : MOD_OK;
	rc = mod_remote_infer(e->remote, MOD_REMOTE_AG, &in, o, 2, err);
	mod_tensor_drop(ws, x);
	return rc == MOD_REMOTE_OK ? MOD_OK : rc == MOD_REMOTE_ENOMEM ? MOD_EINTERNAL : MOD_EREMOTE;
}

static int mod_net_nsfw(const struct mod_engine *e, struct mod_ws *ws, struct mod_tensor *x,
			float probs[MOD_NCLASSES], struct buf *err)
{
	struct mod_remote_tensor in = { "input", 4, { 1, x->h, x->w, 3 }, x->d };
	struct mod_remote_tensor o = { NULL, 2, { 1, MOD_NCLASSES }, probs };
	int rc;

	if (!e->remote)
		return mod_nsfw_forward(&e->nsfw, ws, x, probs) < 0 ? MOD_EINTERNAL : MOD_OK;
	rc = mod_remote_infer(e->remote, MOD_REMOTE_NSFW, &in, &o, 1, err);
	mod_tensor_drop(ws, x);
	return rc == MOD_REMOTE_OK ? MOD_OK : rc == MOD_REMOTE_ENOMEM ? MOD_EINTERNAL : MOD_EREMOTE;
}

/* Phase 1 into out->faces. */
static int mod_phase_faces(const struct mod_engine *e, const struct mod_canvas *c,
			   struct mod_ws *ws, struct mod_result *out, struct buf *err)
{
	struct mod_box boxes[MOD_MAX_FACES];
	struct mod_tensor x = { 0 };
	int n, rc = MOD_EINTERNAL;

	if (mod_detect_input(c, MOD_DETECT_SIZE, ws, &x) < 0)
		goto out;
	rc = mod_net_detect(e, ws, &x, err);
	if (rc != MOD_OK)
		goto out;
	rc = MOD_EINTERNAL;
	if (mod_detect_boxes(&x, c->w, c->h, MOD_DETECT_SIZE, MOD_DETECT_THRESHOLD, boxes,
			     MOD_MAX_FACES, &n) < 0)
		goto out;
	for (int i = 0; i < n; i++) {
		struct mod_face *f = &out->faces[i];

		f->x = (float)boxes[i].x;
		f->y = (float)boxes[i].y;
		f->w = (float)boxes[i].w;
		f->h = (float)boxes[i].h;
		f->score = boxes[i].score;
		f->female = f->age = -1;
	}
	out->nfaces = n;
	rc = MOD_OK;
out:
	mod_tensor_drop(ws, &x);
	return rc;
}

/* Phase 2 on each face whose box keeps some pixels inside the image. */
static int mod_phase_gender(const struct mod_engine *e, const struct mod_canvas *c,
			    struct mod_ws *ws, struct mod_result *out, struct buf *err)
{
	for (int i = 0; i < out->nfaces; i++) {
		struct mod_face *f = &out->faces[i];
		struct mod_box b = { f->x, f->y, f->w, f->h, f->score };
		struct mod_tensor x = { 0 };
		struct mod_canvas crop;
		float age, gender[2];
		int x0, y0, w, h, rc;

		if (mod_face_crop(&b, c->w, c->h, &x0, &y0, &w, &h) < 0)
			continue;
		crop = *c;
		crop.px = c->px + (size_t)y0 * c->stride + (size_t)x0 * 3;
		crop.w = crop.cw = w;
		crop.h = crop.ch = h;
		rc = mod_ag_input(&crop, ws, &x) < 0 ? MOD_EINTERNAL : mod_net_ag(e, ws, &x, &age, gender, err);
		mod_tensor_drop(ws, &x);
		if (rc != MOD_OK)
			return rc;
		f->age = age;
		f->female = mod_ag_female(gender);
	}
	return MOD_OK;
}

/* Phase 3 into out->nsfw. */
static int mod_phase_nsfw(const struct mod_engine *e, const struct mod_canvas *c,
			  struct mod_ws *ws, struct mod_result *out, struct buf *err)
{
	struct mod_tensor x = { 0 };
	int rc = mod_nsfw_input(c, ws, &x) < 0 ? MOD_EINTERNAL : mod_net_nsfw(e, ws, &x, out->nsfw, err);

	mod_tensor_drop(ws, &x);
	return rc;
}

int mod_analyze(const struct mod_engine *e, const struct mod_image *img, unsigned phases,
		struct mod_result *out, struct buf *err)
{
	struct mod_canvas c = mod_canvas_of(img);
	struct buf scratch = BUF_INIT;
	struct mod_ws ws;
	double t0 = mod_now_ms(), t;
	int rc = MOD_EINTERNAL;

	memset(out, 0, sizeof(*out));
	out->width = img->w;
	out->height = img->h;
	for (int i = 0; i < MOD_NCLASSES; i++)
		out->nsfw[i] = -1;
	if (!img->rgb || img->w <= 0 || img->h <= 0)
		return MOD_EINTERNAL;
	if (!err)
		err = &scratch;
	mod_ws_init(&ws);
	t = mod_now_ms();
	if ((phases & MOD_PHASE_FACES) && (rc = mod_phase_faces(e, &c, &ws, out, err)) != MOD_OK)
		goto out;
	out->ms_detect = mod_now_ms() - t;
	t = mod_now_ms();
	if ((phases & MOD_PHASE_GENDER) && (rc = mod_phase_gender(e, &c, &ws, out, err)) != MOD_OK)
		goto out;
	out->ms_gender = mod_now_ms() - t;
	t = mod_now_ms();
	if ((phases & MOD_PHASE_NSFW) && (rc = mod_phase_nsfw(e, &c, &ws, out, err)) != MOD_OK)
		goto out;
	out->ms_nsfw = mod_now_ms() - t;
	rc = MOD_OK;
out:
	if (rc == MOD_EINTERNAL && err->len == 0)
		buf_puts(err, "out of memory");
	mod_ws_release(&ws);
	buf_release(&scratch);
	out->ms_total = mod_now_ms() - t0;
	return rc;
}

int mod_analyze_rgb(const struct mod_engine *e, const unsigned char *rgb, int w, int h,
		    struct mod_result *out)
{
	struct mod_image img = { (unsigned char *)rgb, w, h };

	return mod_analyze(e, &img, MOD_PHASE_ALL, out, NULL);
}

/* libvips's last message, without its trailing newline, into err. */
static void mod_vips_error(struct buf *err, const char *what)
{
	const char *msg = vips_error_buffer();
	size_t n = strlen(msg);

	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	buf_printf(err, "%s: %.*s", what, (int)n, msg);
	vips_error_clear();
}

/* The header checks of an upload: a regular file within the byte cap,
 * one of the four formats by its magic bytes. */
static int mod_image_check_file(const char *path, struct buf *err)
{
	unsigned char head[16];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		buf_printf(err, "%s", strerror(errno));
		return MOD_EIMAGE;
	}
	n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? pread(fd, head, sizeof(head), 0) : -1;
	close(fd);
	if (n < 0) {
		buf_puts(err, "not a regular file");
		return MOD_EIMAGE;
	}
	if ((unsigned long long)st.st_size > IMG_MAX_FILE_BYTES) {
		buf_puts(err, "file too large");
		return MOD_EIMAGE;
	}
	if (img_sniff(head, (size_t)n) == IMG_FORMAT_NONE) {
		buf_puts(err, "not a JPEG, PNG, WebP or GIF image");
		return MOD_EIMAGE;
	}
	return MOD_OK;
}

/* Width x height of the first frame from the header, within limits. */
static int mod_image_check_size(VipsSource *src, struct buf *err)
{
	VipsImage *head = vips_image_new_from_source(src, "", "access", VIPS_ACCESS_SEQUENTIAL,
						     "fail_on", VIPS_FAIL_ON_ERROR, NULL);
	unsigned long long w, h;

	if (!head) {
		mod_vips_error(err, "cannot read the image header");
		return MOD_EIMAGE;
	}
	w = (unsigned long long)vips_image_get_width(head);
	h = (unsigned long long)vips_image_get_height(head);
	g_object_unref(head);
	if (w == 0 || h == 0 || w * h > IMG_MAX_PIXELS) {
		buf_puts(err, "image has too many pixels");
		return MOD_EIMAGE;
	}
	return MOD_OK;
}

/* in (unreffed) as 3-band sRGB bytes: alpha on white, grey expanded. */
static int mod_image_rgb8(VipsImage *in, VipsImage **out)
{
	VipsImage *flat = NULL, *srgb = NULL;
	int rc = -1;

	if (vips_image_hasalpha(in)) {
		VipsArrayDouble *white = vips_array_double_newv(1, 255.0);

		rc = vips_flatten(in, &flat, "background", white, NULL);
		vips_area_unref(VIPS_AREA(white));
		if (rc != 0)
			return -1;
	} else {
		flat = in;
		g_object_ref(flat);
	}
	rc = vips_colourspace(flat, &srgb, VIPS_INTERPRETATION_sRGB, NULL) == 0 &&
			     vips_cast_uchar(srgb, out, NULL) == 0 ?
		     0 :
		     -1;
	if (rc == 0 && vips_image_get_bands(*out) != 3) {
		g_object_unref(*out);
		*out = NULL;
		rc = -1;
	}
	if (srgb)
		g_object_unref(srgb);
	g_object_unref(flat);
	return rc;
}

int mod_image_load(const char *path, struct mod_image *img, struct buf *err)
{
	VipsSource *src = NULL;
	VipsImage *thumb = NULL, *rgb = NULL;
	void *px = NULL;
	size_t len = 0;
	int rc;

	memset(img, 0, sizeof(*img));
	if (img_init(NULL) < 0) {
		buf_puts(err, "libvips is not available");
		return MOD_EINTERNAL;
	}
	rc = mod_image_check_file(path, err);
	if (rc != MOD_OK)
		return rc;
	src = vips_source_new_from_file(path);
	if (!src) {
		mod_vips_error(err, "cannot open the file");
		return MOD_EIMAGE;
	}
	rc = mod_image_check_size(src, err);
	if (rc == MOD_OK) {
		rc = MOD_EIMAGE;
		if (vips_thumbnail_source(src, &thumb, MOD_DECODE_MAX, "height", MOD_DECODE_MAX,
					  "size", VIPS_SIZE_DOWN, "fail_on", VIPS_FAIL_ON_ERROR,
					  "export_profile", "srgb", "option_string", "fail_on=error",
					  NULL) == 0 &&
		    mod_image_rgb8(thumb, &rgb) == 0)
			px = vips_image_write_to_memory(rgb, &len);
		if (px && len == (size_t)rgb->Xsize * (size_t)rgb->Ysize * 3) {
			img->rgb = px;
			img->w = rgb->Xsize;
			img->h = rgb->Ysize;
			px = NULL;
			rc = MOD_OK;
		} else {
			mod_vips_error(err, "cannot decode the image");
		}
	}
	g_free(px);
	if (rgb)
		g_object_unref(rgb);
	if (thumb)
		g_object_unref(thumb);
	g_object_unref(src);
	return rc;
}

void mod_image_release(struct mod_image *img)
{
	g_free(img->rgb);
	memset(img, 0, sizeof(*img));
}

int mod_analyze_file(const struct mod_engine *e, const char *path, struct mod_result *out,
		     struct buf *err)
{
	struct mod_image img;
	double t0 = mod_now_ms(), decode;
	int rc = mod_image_load(path, &img, err);

	decode = mod_now_ms() - t0;
	if (rc != MOD_OK) {
		memset(out, 0, sizeof(*out));
		out->ms_decode = out->ms_total = decode;
		return rc;
	}
	rc = mod_analyze(e, &img, MOD_PHASE_ALL, out, err);
	mod_image_release(&img);
	out->ms_decode = decode;
	out->ms_total = mod_now_ms() - t0;
	return rc;
}
