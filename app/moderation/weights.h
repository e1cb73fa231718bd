#ifndef BB_MODERATION_WEIGHTS_H
#define BB_MODERATION_WEIGHTS_H
/*
 * The weights of one model, as scripts/fetch-models writes them (see
 * docs/models.md): DIR/weights.bin, the tensors back to back as the
 * package stored them, and DIR/manifest.txt, one line per tensor:
 *
 *   name ndim d0 … d(ndim-1) storage scale min byte_offset byte_length
 *
 * storage is u8 (affine-quantised: value = q * scale + min, computed in
 * double and rounded to float, as tfjs decodes it) or f32 (raw little-
 * endian floats; scale and min are 0). Lines starting with # are
 * comments.
 *
 * Loading dequantises everything into one aligned float block. Models
 * then look tensors up by name with the shape they expect, so a file
 * that does not match the code fails at start-up, naming the tensor.
 * After the models are built the block is only read.
 */
#include <stddef.h>

struct buf;

#define MOD_W_MAXDIM 4
#define MOD_W_NAME_MAX 96

struct mod_wtensor {
	char name[MOD_W_NAME_MAX];
	int ndim;
	int dims[MOD_W_MAXDIM];
	size_t count; /* floats */
	float *data;  /* into the block */
};

struct mod_weights {
	struct mod_wtensor *t;
	size_t n;
	float *block;
	size_t floats; /* size of the block */
};

/*
 * Read dir/manifest.txt and dir/weights.bin into w. Returns 0, or -1
 * with a message naming the file and line in err (w is then empty).
 */
int mod_weights_load(struct mod_weights *w, const char *dir, struct buf *err);
void mod_weights_release(struct mod_weights *w);

/*
 * The data of the tensor called name, which must have exactly the ndim
 * dims given; NULL with a message in err otherwise. The pointer is into
 * w's block (writable so that a model can fold layers at load time).
 */
float *mod_weights_get(struct mod_weights *w, const char *name, const int *dims, int ndim,
		       struct buf *err);

/* mod_weights_get with the shape written inline: MOD_W(w, err, "a/b", 3, 3, 16). */
#define MOD_W(w, err, name, ...)                                                        \
	mod_weights_get((w), (name), (const int[]){ __VA_ARGS__ },                     \
			(int)(sizeof((const int[]){ __VA_ARGS__ }) / sizeof(int)), (err))

/*
 * Fold the batch normalisation called bn (bn/gamma, bn/beta,
 * bn/moving_mean, bn/moving_variance, each [cout]) into the preceding
 * bias-free convolution whose kernel k has cout as its last dimension
 * and kcount floats in all:
 *   s = gamma / sqrt(variance + eps);  k[..][co] *= s[co];
 *   bias[co] = beta[co] - mean[co] * s[co]
 * The bias is written over bn/beta, which is returned (NULL with a
 * message in err when a tensor is missing). Each kernel must be folded
 * once only.
 */
float *mod_weights_fold_bn(struct mod_weights *w, const char *bn, float *k, size_t kcount,
			   int cout, double eps, struct buf *err);

#endif
