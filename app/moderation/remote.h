#ifndef BB_MODERATION_REMOTE_H
#define BB_MODERATION_REMOTE_H
/*
 * A client of the KServe v2 REST inference protocol (the "Open
 * Inference Protocol" of KServe, Triton and TF Serving's v2 front end),
 * for [moderation] mode = remote: the engine keeps its pre- and
 * post-processing and sends only the network's input tensor,
 *
 *   POST {url}/v2/models/{model}/infer
 *   {"inputs":[{"name":"input","shape":[1,H,W,3],"datatype":"FP32","data":[...]}]}
 *
 * and reads the output tensors out of {"outputs":[{"name","shape",
 * "datatype","data"}]}. Shapes and datatypes are checked exactly: an
 * answer that is not what the model gives is an error, never numbers.
 *
 * A struct mod_remote is read-only after mod_remote_new(), so threads
 * may share it; each call uses a curl handle of its own.
 */
#include <stddef.h>
#include <stdint.h>

struct buf;
struct mod_remote;

#define MOD_REMOTE_MAX_DIMS 4
/* Bigger answers are refused (the largest output is 4225 floats). */
#define MOD_REMOTE_MAX_RESPONSE ((size_t)1 << 20)

/* A tensor of FP32: shape and row-major data of prod(shape) floats.
 * For an output, name, ndim and shape are what is expected and data is
 * the caller's room for it; name NULL takes a model's only output,
 * whatever it is called. */
struct mod_remote_tensor {
	const char *name;
	int ndim;
	int64_t shape[MOD_REMOTE_MAX_DIMS];
	float *data;
};

enum mod_remote_status {
	MOD_REMOTE_OK = 0,
	MOD_REMOTE_EFAIL = -1,	/* the server failed or could not be reached, after retries */
	MOD_REMOTE_EANSWER = -2, /* a 4xx, or an answer that is not the model's output */
	MOD_REMOTE_ENOMEM = -3,
};

/*
 * A client of the server at base url (http:// or https://, no trailing
 * path needed), each attempt bounded by timeout_s seconds (connecting
 * by at most 3 of them), retrying up to retries times with backoff on
 * connection errors, timeouts and 5xx answers. 0 with *out set, or -1
 * with the reason in err.
 */
int mod_remote_new(const char *url, int timeout_s, int retries, struct mod_remote **out,
		   struct buf *err);
void mod_remote_free(struct mod_remote *r);

/*
 * One inference: in to model, the answer into the nout tensors of out.
 * Returns MOD_REMOTE_OK, or a negative mod_remote_status with the
 * reason in err (out's data is then undefined).
 */
int mod_remote_infer(const struct mod_remote *r, const char *model,
		     const struct mod_remote_tensor *in, struct mod_remote_tensor *out, int nout,
		     struct buf *err);

/* The request body for in, appended to body. 0, or -1 when out of memory. */
int mod_remote_request(const struct mod_remote_tensor *in, struct buf *body);

/*
 * Parse an inference answer of len bytes (any bytes: it comes from the
 * network) into out as mod_remote_infer() does. MOD_REMOTE_OK, or
 * MOD_REMOTE_EANSWER / MOD_REMOTE_ENOMEM with the reason in err.
 */
int mod_remote_parse(const char *body, size_t len, struct mod_remote_tensor *out, int nout,
		     struct buf *err);

/* prod(shape), or 0 when a dimension is not positive or it exceeds 2^26. */
size_t mod_remote_count(const struct mod_remote_tensor *t);

#endif
