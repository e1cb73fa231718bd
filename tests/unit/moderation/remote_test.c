/*
 * The KServe v2 answer parser and request writer (moderation/remote.h):
 * good answers in their flat and nested forms, and every way an answer
 * can be wrong, each an error with a reason and never numbers.
 */
#include <string.h>

#include "core/buf.h"
#include "moderation/remote.h"
#include "tap.h"

#include "core/banned.h"

/* Parse body against one [1,2] output called name (NULL: the only one). */
static int parse1(const char *body, const char *name, float out[2], struct buf *err)
{
	struct mod_remote_tensor t = { name, 2, { 1, 2 }, out };

	buf_clear(err);
	out[0] = out[1] = -7;
	return mod_remote_parse(body, strlen(body), &t, 1, err);
}

static void test_good(void)
{
	struct buf err = BUF_INIT;
	float v[2], age[1], g[2];
	struct mod_remote_tensor two[2] = { { "age", 2, { 1, 1 }, age }, { "gender", 2, { 1, 2 }, g } };
	const char *ag = "{\"model_name\":\"age_gender\",\"outputs\":["
			 "{\"name\":\"gender\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[-1.5,2]},"
			 "{\"name\":\"age\",\"shape\":[1,1],\"datatype\":\"FP32\",\"data\":[33.25]}]}";

	ok(parse1("{\"outputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[0.25,1e-3]}]}",
		  NULL, v, &err) == MOD_REMOTE_OK && v[0] == 0.25f && v[1] == 1e-3f,
	   "a single output is read whatever its name");
	ok(parse1("{\"outputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[[1,2]]}]}",
		  NULL, v, &err) == MOD_REMOTE_OK && v[0] == 1 && v[1] == 2,
	   "nested data and integers are accepted");
	ok(mod_remote_parse(ag, strlen(ag), two, 2, &err) == MOD_REMOTE_OK && age[0] == 33.25f &&
		   g[0] == -1.5f && g[1] == 2,
	   "two outputs are matched by name, in any order");
	buf_release(&err);
}

static void test_bad(void)
{
	static const struct {
		const char *body, *why;
	} cases[] = {
		{ "", "empty" },
		{ "null", "null" },
		{ "[]", "an array" },
		{ "{\"outputs\":{}}", "outputs not an array" },
		{ "{\"error\":\"model not ready\"}", "an error object" },
		{ "{\"outputs\":[]}", "no outputs" },
		{ "{\"outputs\":[1]}", "an output that is not an object" },
		{ "{\"outputs\":[{\"shape\":[1,2],\"datatype\":\"FP32\"}]}", "no data" },
		{ "{\"outputs\":[{\"shape\":[1,2],\"datatype\":\"FP64\",\"data\":[1,2]}]}", "FP64" },
		{ "{\"outputs\":[{\"shape\":[1,2],\"datatype\":7,\"data\":[1,2]}]}", "datatype a number" },
		{ "{\"outputs\":[{\"shape\":[2,1],\"datatype\":\"FP32\",\"data\":[1,2]}]}", "another shape" },
		{ "{\"outputs\":[{\"shape\":[1,2,1],\"datatype\":\"FP32\",\"data\":[1,2]}]}", "another rank" },
		{ "{\"outputs\":[{\"shape\":[1,\"2\"],\"datatype\":\"FP32\",\"data\":[1,2]}]}", "a string dim" },
		{ "{\"outputs\":[{\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1]}]}", "too few" },
		{ "{\"outputs\":[{\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}", "too many" },
		{ "{\"outputs\":[{\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,\"2\"]}]}", "a string" },
		{ "{\"outputs\":[{\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,null]}]}", "null" },
		{ "{\"outputs\":[{\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,NaN]}]}", "NaN" },
		{ "{\"outputs\":[{\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,1e39]}]}", "beyond a float" },
		{ "{\"outputs\":[{\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,[[[[[[[[[[2]]]]]]]]]]]}]}",
		  "nested too deeply" },
		{ "{\"outputs\":[{\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,2]}]} x", "trailing bytes" },
		{ "{\"outputs\":[{\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,2", "truncated" },
		{ "{\"outputs\":[{\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,2]},"
		  "{\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,2]}]}",
		  "two outputs where one is expected" },
	};
	struct buf err = BUF_INIT;
	float v[2];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse1(cases[i].body, NULL, v, &err);

		ok(rc == MOD_REMOTE_EANSWER && err.len > 0, "refused: %s (%s)", cases[i].why,
		   err.ptr ? err.ptr : "no reason");
	}
	ok(parse1("{\"outputs\":[{\"name\":\"a\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,2]}]}",
		  "b", v, &err) == MOD_REMOTE_EANSWER,
	   "refused: the named output is missing");
	ok(mod_remote_parse("{\"outputs\":[]}", MOD_REMOTE_MAX_RESPONSE + 1,
			    &(struct mod_remote_tensor){ NULL, 2, { 1, 2 }, v }, 1, &err) ==
		   MOD_REMOTE_EANSWER,
	   "refused: an answer over the size cap");
	buf_release(&err);
}

static void test_request(void)
{
	float d[6] = { 0.1f, -2, 3.5f, 1e-8f, 0, 16777217.0f };
	struct mod_remote_tensor in = { "input", 4, { 1, 1, 2, 3 }, d };
	struct mod_remote_tensor bad = { "input", 2, { 1, 0 }, d };
	struct buf body = BUF_INIT;

	ok(mod_remote_request(&in, &body) == 0 &&
		   strcmp(body.ptr, "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,1,2,3],"
				    "\"datatype\":\"FP32\",\"data\":[0.100000001,-2,3.5,"
				    "9.99999994e-09,0,16777216]}]}") == 0,
	   "the request body carries every float exactly (%s)", body.ptr ? body.ptr : "");
	buf_clear(&body);
	ok(mod_remote_request(&bad, &body) < 0, "a shape with a zero is refused");
	ok(mod_remote_count(&in) == 6 && mod_remote_count(&bad) == 0, "element counts");
	buf_release(&body);
}

int main(void)
{
	test_good();
	test_bad();
	test_request();
	return done_testing();
}
