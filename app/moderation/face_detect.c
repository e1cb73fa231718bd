/*
 * Phase 1: face-api's TinyFaceDetector, a Tiny-YOLOv2 made of separable
 * convolutions with five anchors and one class.
 *
 * face-api's tensor path, which we follow: the image is padded to a
 * square with zeros at the bottom or right (it stays at the top-left),
 * resized to size x size (bilinear, align_corners=false), then
 * (x - mean) / 255 with the detector's own mean. The network ends in a
 * G x G x (5 anchors x 5) map, G = size / 32, decoded into boxes that
 * are relative to the unpadded image.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "moderation/models.h"

#include "core/banned.h"

/* RGB mean of the detector (not the one of the other face-api nets). */
static const float mod_detect_mean[3] = { 117.001f, 114.697f, 97.404f };

/* Anchor width and height, in grid cells. */
static const double mod_detect_anchors[MOD_DETECT_ANCHORS][2] = {
	{ 1.603231, 2.094468 }, { 6.041143, 7.080126 }, { 2.882459, 3.518061 },
	{ 4.266906, 5.178857 }, { 9.041765, 10.66308 },
};

#define MOD_DETECT_IOU 0.4

int mod_detect_load(struct mod_detect *m, struct mod_weights *w, struct buf *err)
{
	static const int ch[MOD_DETECT_NSEP + 1] = { 16, 32, 64, 128, 256, 512 };
	char name[64];

	memset(m, 0, sizeof(*m));
	m->conv0_k = MOD_W(w, err, "conv0/filters", 3, 3, 3, 16);
	m->conv0_b = m->conv0_k ? MOD_W(w, err, "conv0/bias", 16) : NULL;
	if (!m->conv0_b)
		return -1;
	for (int i = 0; i < MOD_DETECT_NSEP; i++) {
		struct mod_detect_sep *s = &m->sep[i];

		s->cin = ch[i];
		s->cout = ch[i + 1];
		snprintf(name, sizeof(name), "conv%d/depthwise_filter", i + 1);
		s->dw_k = MOD_W(w, err, name, 3, 3, s->cin, 1);
		snprintf(name, sizeof(name), "conv%d/pointwise_filter", i + 1);
		s->pw_k = s->dw_k ? MOD_W(w, err, name, 1, 1, s->cin, s->cout) : NULL;
		snprintf(name, sizeof(name), "conv%d/bias", i + 1);
		s->bias = s->pw_k ? MOD_W(w, err, name, s->cout) : NULL;
		if (!s->bias)
			return -1;
	}
	m->conv8_k = MOD_W(w, err, "conv8/filters", 1, 1, 512, MOD_DETECT_ANCHORS * 5);
	m->conv8_b = m->conv8_k ? MOD_W(w, err, "conv8/bias", MOD_DETECT_ANCHORS * 5) : NULL;
	return m->conv8_b ? 0 : -1;
}

int mod_detect_input(const struct mod_canvas *img, int size, struct mod_ws *ws,
			    struct mod_tensor *x)
{
	struct mod_canvas sq = *img;
	float lut[256];
	size_t npix;

	for (int i = 0; i < 256; i++)
		lut[i] = (float)i;
	sq.x0 = sq.y0 = 0;
	sq.cw = sq.ch = img->w > img->h ? img->w : img->h;
	if (mod_tensor_new(ws, x, size, size, 3) < 0)
		return -1;
	mod_resize_bilinear(&sq, lut, false, x);
	npix = (size_t)size * size;
	for (size_t p = 0; p < npix; p++)
		for (int c = 0; c < 3; c++)
			x->d[p * 3 + c] = (x->d[p * 3 + c] - mod_detect_mean[c]) / 255.0f;
	return 0;
}

/* x = maxpool 2x2 'same' with the given stride, replacing x. */
static int mod_detect_pool(struct mod_ws *ws, struct mod_tensor *x, int stride)
{
	struct mod_tensor y;
	int oh, ow, pt, pl;

	mod_same(x->h, 2, stride, &oh, &pt);
	mod_same(x->w, 2, stride, &ow, &pl);
	if (mod_tensor_new(ws, &y, oh, ow, x->c) < 0)
		return -1;
	mod_maxpool(x, 2, stride, pt, pl, &y);
	mod_tensor_drop(ws, x);
	*x = y;
	return 0;
}

/* x = leaky(pointwise(depthwise(pad1(x))) + bias), replacing x. */
static int mod_detect_sep(struct mod_ws *ws, struct mod_tensor *x, const struct mod_detect_sep *s)
{
	struct mod_tensor d, y;

	if (mod_tensor_new(ws, &d, x->h, x->w, x->c) < 0)
		return -1;
	mod_depthwise3x3(x, s->dw_k, NULL, 1, 1, 1, &d);
	mod_tensor_drop(ws, x);
	*x = d;
	if (mod_tensor_new(ws, &y, x->h, x->w, s->cout) < 0)
		return -1;
	mod_pointwise(x, s->pw_k, s->bias, &y);
	mod_leaky(y.d, mod_tensor_len(&y));
	mod_tensor_drop(ws, x);
	*x = y;
	return 0;
}

/*
 * conv0 (3x3 'valid', leaky) and the first max-pool 2/2, replacing x.
 * They run two convolution rows at a time, pooled at once into one
 * output row: the full-size activation (414 x 414 x 16 floats at 416,
 * 11 MB, the largest of all three models) never exists, which halves
 * an analysis's scratch memory. The convolution of a band of rows reads
 * the input through a view of the rows it needs.
 */
static int mod_detect_stem(const struct mod_detect *m, struct mod_ws *ws, struct mod_tensor *x)
{
	struct mod_tensor band, y;
	int ch = mod_valid(x->h, 3, 1), cw = mod_valid(x->w, 3, 1), oh, ow, pt, pl;

	mod_same(ch, 2, 2, &oh, &pt);
	mod_same(cw, 2, 2, &ow, &pl);
	if (mod_tensor_new(ws, &band, 2, cw, 16) < 0)
		return -1;
	if (mod_tensor_new(ws, &y, oh, ow, 16) < 0) {
		mod_tensor_drop(ws, &band);
		return -1;
	}
	for (int r = 0; r < oh; r++) {
		/* pooled row r covers convolution rows 2r and 2r + 1 (if any) */
		int rows = ch - 2 * r < 2 ? ch - 2 * r : 2;
		struct mod_tensor in = { x->d + (size_t)2 * r * x->w * x->c, rows + 2, x->w, x->c };
		struct mod_tensor conv = { band.d, rows, cw, 16 };
		struct mod_tensor out = { y.d + (size_t)r * ow * 16, 1, ow, 16 };

		mod_conv2d(&in, m->conv0_k, m->conv0_b, 3, 3, 1, 0, 0, &conv);
		mod_leaky(conv.d, mod_tensor_len(&conv));
		mod_maxpool(&conv, 2, 2, 0, pl, &out);
	}
	mod_tensor_drop(ws, &band);
	mod_tensor_drop(ws, x);
	*x = y;
	return 0;
}

int mod_detect_forward(const struct mod_detect *m, struct mod_ws *ws, struct mod_tensor *x)
{
	struct mod_tensor y;

	if (mod_detect_stem(m, ws, x) < 0)
		return -1;
	for (int i = 0; i < MOD_DETECT_NSEP; i++)
		if (mod_detect_sep(ws, x, &m->sep[i]) < 0 ||
		    mod_detect_pool(ws, x, i < MOD_DETECT_NSEP - 1 ? 2 : 1) < 0)
			return -1;
	if (mod_tensor_new(ws, &y, x->h, x->w, MOD_DETECT_ANCHORS * 5) < 0)
		return -1;
	mod_pointwise(x, m->conv8_k, m->conv8_b, &y);
	mod_tensor_drop(ws, x);
	*x = y;
	return 0;
}

static double mod_sigmoid(double v)
{
	return 1.0 / (1.0 + exp(-v));
}

/*
 * Boxes scoring above threshold, relative to the image (0..1, possibly
 * beyond). The network saw the image in the top-left of the square, so
 * coordinates are stretched by size / (the image's size in the square).
 * Returns how many went to out (room for cap).
 */
static int mod_detect_decode(const struct mod_tensor *y, int img_w, int img_h, int size,
			     float threshold, struct mod_box *out, int cap)
{
	double scale = (double)size / (img_w > img_h ? img_w : img_h);
	double rw = round(img_w * scale), rh = round(img_h * scale);
	double side, cfx, cfy, g = y->h;
	int n = 0;

	/* a 10000 x 20 strip is 0.8 px high at 416: keep it one pixel */
	rw = rw < 1 ? 1 : rw;
	rh = rh < 1 ? 1 : rh;
	side = rw > rh ? rw : rh;
	cfx = side / rw;
	cfy = side / rh;
	for (int row = 0; row < y->h; row++) {
		for (int col = 0; col < y->w; col++) {
			const float *cell = y->d + ((size_t)row * y->w + col) * y->c;

			for (int a = 0; a < MOD_DETECT_ANCHORS && n < cap; a++) {
				const float *t = cell + a * 5;
				double score = mod_sigmoid(t[4]), cx, cy, w, h;

				if (!(score > threshold))
					continue;
				cx = (col + mod_sigmoid(t[0])) / g * cfx;
				cy = (row + mod_sigmoid(t[1])) / g * cfy;
				w = exp(t[2]) * mod_detect_anchors[a][0] / g * cfx;
				h = exp(t[3]) * mod_detect_anchors[a][1] / g * cfy;
				if (!isfinite(cx) || !isfinite(cy) || !isfinite(w) || !isfinite(h))
					continue; /* exp() overflowed: no box to speak of */
				out[n].x = cx - w / 2;
				out[n].y = cy - h / 2;
				out[n].w = w;
				out[n].h = h;
				out[n].score = (float)score;
				n++;
			}
		}
	}
	return n;
}

static double mod_iou(const struct mod_box *a, const struct mod_box *b)
{
	double w = fmin(a->x + a->w, b->x + b->w) - fmax(a->x, b->x);
	double h = fmin(a->y + a->h, b->y + b->h) - fmax(a->y, b->y);
	double inter = fmax(w, 0.0) * fmax(h, 0.0);

	return inter / (a->w * a->h + b->w * b->h - inter);
}

int mod_nms(const struct mod_box *boxes, int n, double iou, int *keep)
{
	int *order, nk = 0;

	if (n <= 0)
		return 0;
	order = keep; /* sorted in place, then compacted into the kept ones */
	for (int i = 0; i < n; i++)
		order[i] = i;
	/* insertion sort, best first; on equal scores the later box first,
	 * as face-api's stable ascending sort popped from the end does */
	for (int i = 1; i < n; i++) {
		int v = order[i], j = i;

		while (j > 0 && (boxes[order[j - 1]].score < boxes[v].score ||
				 (boxes[order[j - 1]].score == boxes[v].score && order[j - 1] < v))) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = v;
	}
	for (int i = 0; i < n; i++) {
		int c = order[i], dropped = 0;

		for (int k = 0; k < nk && !dropped; k++)
			dropped = mod_iou(&boxes[keep[k]], &boxes[c]) > iou;
		if (!dropped)
			keep[nk++] = c;
	}
	return nk;
}

int mod_face_crop(const struct mod_box *b, int img_w, int img_h, int *x, int *y, int *w, int *h)
{
	double cx = fmax(b->x, 0), cy = fmax(b->y, 0);
	double cw = fmin(b->x + b->w - cx, img_w - cx), ch = fmin(b->y + b->h - cy, img_h - cy);

	cx = floor(cx);
	cy = floor(cy);
	cw = floor(cw);
	ch = floor(ch);
	if (!(cw > 0 && ch > 0) || cx >= img_w || cy >= img_h)
		return -1;
	*x = (int)cx;
	*y = (int)cy;
	*w = (int)fmin(cw, img_w - cx);
	*h = (int)fmin(ch, img_h - cy);
	return 0;
}

int mod_detect_boxes(const struct mod_tensor *y, int img_w, int img_h, int size,
		     float threshold, struct mod_box *out, int max, int *n)
{
	struct mod_box *cand = NULL;
	int *keep = NULL, ncand, nkeep, cap, rc = -1;

	*n = 0;
	cap = y->h * y->w * MOD_DETECT_ANCHORS;
	cand = malloc(sizeof(*cand) * (size_t)cap);
	keep = malloc(sizeof(*keep) * (size_t)cap);
	if (!cand || !keep)
		goto out;
	ncand = mod_detect_decode(y, img_w, img_h, size, threshold, cand, cap);
	nkeep = mod_nms(cand, ncand, MOD_DETECT_IOU, keep);
	for (int i = 0; i < nkeep && *n < max; i++) {
		struct mod_box b = cand[keep[i]];

		b.x *= img_w;
		b.y *= img_h;
		b.w *= img_w;
		b.h *= img_h;
		out[(*n)++] = b;
	}
	rc = 0;
out:
	free(cand);
	free(keep);
	return rc;
}

int mod_detect_run(const struct mod_detect *m, const struct mod_canvas *img, int size,
		   float threshold, struct mod_ws *ws, struct mod_box *out, int max, int *n)
{
	struct mod_tensor x = { 0 };
	int rc = -1;

	*n = 0;
	if (mod_detect_input(img, size, ws, &x) == 0 && mod_detect_forward(m, ws, &x) == 0)
		rc = mod_detect_boxes(&x, img->w, img->h, size, threshold, out, max, n);
	mod_tensor_drop(ws, &x);
	return rc;
}
