#ifndef BB_MODERATION_MODELS_H
#define BB_MODERATION_MODELS_H
/*
 * The three networks, each as a struct of pointers into the weights
 * block (built once by its _load function, read-only afterwards) and a
 * _run function that does one forward pass with a caller's workspace.
 * _run is three steps that may be called apart, so that the network
 * itself can run elsewhere (remote.h): _input (the pre-processing, to
 * the [1, H, W, 3] tensor the network takes), _forward (the network,
 * tensor in, tensor out) and the post-processing.
 * The architectures and the pre-processing each model expects are
 * those of the npm packages; see docs/models.md.
 */
#include "moderation/kernels.h"
#include "moderation/tensor.h"
#include "moderation/weights.h"

struct buf;

/* --- nsfwjs MobileNetV2 (224 x 224, classes in MOD_NSFW_* order) */

#define MOD_NSFW_SIZE 224
#define MOD_NSFW_NBLOCKS 17
#define MOD_NSFW_NCLASSES 5

struct mod_nsfw_block {
	int cin, cexp, cout, stride;
	const float *expand_k, *expand_b; /* NULL in block 0, which does not expand */
	const float *dw_k, *dw_b;
	const float *project_k, *project_b;
};

struct mod_nsfw {
	const float *conv1_k, *conv1_b;
	struct mod_nsfw_block block[MOD_NSFW_NBLOCKS];
	const float *last_k, *last_b;
	const float *dense_k[3], *dense_b[3];
};

int mod_nsfw_load(struct mod_nsfw *m, struct mod_weights *w, struct buf *err);
/* Class probabilities of the image on src (the whole canvas, stretched
 * to 224 x 224). 0, or -1 when out of memory. */
int mod_nsfw_run(const struct mod_nsfw *m, const struct mod_canvas *src, struct mod_ws *ws,
		 float probs[MOD_NSFW_NCLASSES]);
/* The 224 x 224 x 3 input of src: bytes / 255, stretched (align_corners). */
int mod_nsfw_input(const struct mod_canvas *src, struct mod_ws *ws, struct mod_tensor *x);
/* The network on in (dropped back to ws), softmax included as in the
 * Keras model: the five probabilities. 0, or -1 when out of memory. */
int mod_nsfw_forward(const struct mod_nsfw *m, struct mod_ws *ws, struct mod_tensor *in,
		     float probs[MOD_NSFW_NCLASSES]);

/* --- face-api TinyFaceDetector */

#define MOD_DETECT_NSEP 5
#define MOD_DETECT_ANCHORS 5

struct mod_detect_sep {
	int cin, cout;
	const float *dw_k, *pw_k, *bias;
};

struct mod_detect {
	const float *conv0_k, *conv0_b;
	struct mod_detect_sep sep[MOD_DETECT_NSEP];
	const float *conv8_k, *conv8_b;
};

/* One face box in pixels of the analysed image; score is the sigmoid
 * of the objectness output. */
struct mod_box {
	double x, y, w, h;
	float score;
};

int mod_detect_load(struct mod_detect *m, struct mod_weights *w, struct buf *err);
/*
 * Faces on an RGB8 image: the network at input size (a multiple of 32),
 * boxes scoring above threshold, non-maximum suppression at IoU 0.4.
 * Up to max boxes, best first, go to out; *n gets how many. 0, or -1
 * when out of memory.
 */
int mod_detect_run(const struct mod_detect *m, const struct mod_canvas *img, int size,
		   float threshold, struct mod_ws *ws, struct mod_box *out, int max, int *n);
/* The size x size x 3 input: img on a zero square, resized, normalised. */
int mod_detect_input(const struct mod_canvas *img, int size, struct mod_ws *ws,
		     struct mod_tensor *x);
/* The network, replacing x by its G x G x 25 map (G = size / 32). */
int mod_detect_forward(const struct mod_detect *m, struct mod_ws *ws, struct mod_tensor *x);
/* The post-processing of map y for an img_w x img_h image: decoding,
 * threshold, NMS, boxes in pixels, as mod_detect_run(). */
int mod_detect_boxes(const struct mod_tensor *y, int img_w, int img_h, int size,
		     float threshold, struct mod_box *out, int max, int *n);

/*
 * Greedy non-maximum suppression as face-api does it: best score first
 * (on equal scores the later box), dropping every remaining box whose
 * IoU with it is above iou. The kept indices, best first, go to keep
 * (room for n); returns how many.
 */
int mod_nms(const struct mod_box *boxes, int n, double iou, int *keep);

/* The pixels a face box covers, clipped to the image and floored as
 * face-api crops them; -1 when nothing is left. */
int mod_face_crop(const struct mod_box *b, int img_w, int img_h, int *x, int *y, int *w, int *h);

/* --- face-api AgeGenderNet (TinyXception, 112 x 112) */

#define MOD_AG_SIZE 112

struct mod_ag_sep {
	int cin, cout;
	const float *dw_k, *pw_k, *bias;
};

struct mod_ag_reduction {
	struct mod_ag_sep sep0, sep1;
	const float *expand_k, *expand_b;
	int cin, cout;
};

struct mod_ag {
	const float *conv_in_k, *conv_in_b;
	struct mod_ag_reduction entry[2];
	struct mod_ag_sep main_block[2][3];
	struct mod_ag_reduction exit;
	struct mod_ag_sep exit_sep;
	const float *age_k, *age_b, *gender_k, *gender_b;
};

int mod_ag_load(struct mod_ag *m, struct mod_weights *w, struct buf *err);
/* Age in years and P(female) of the face that is the whole of src (a
 * crop). 0, or -1 when out of memory. */
int mod_ag_run(const struct mod_ag *m, const struct mod_canvas *face, struct mod_ws *ws,
	       float *age, float *female);
/* The 112 x 112 x 3 input: the face centred on a zero square, resized,
 * normalised. */
int mod_ag_input(const struct mod_canvas *face, struct mod_ws *ws, struct mod_tensor *x);
/* The network on x (consumed: x holds ws's features after): age in
 * years and the two gender logits [male, female]. */
int mod_ag_forward(const struct mod_ag *m, struct mod_ws *ws, struct mod_tensor *x, float *age,
		   float gender[2]);
/* P(female) of the logits (a softmax). */
float mod_ag_female(const float gender[2]);

#endif
