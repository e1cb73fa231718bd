#ifndef BB_HANDLERS_FORM_H
#define BB_HANDLERS_FORM_H
/*
 * Helpers shared by the handlers of HTML forms: reading a text field with
 * its limits, and collecting what the person typed and the error of each
 * field into the view model, so a refused form comes back filled in.
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

struct request;

struct form {
	struct request *r;
	struct json_object *values; /* field -> what was typed (never passwords) */
	struct json_object *errors; /* field -> translated message */
	bool failed;
};

void form_init(struct form *f, struct request *r);
/*
 * The field as a NUL-terminated string from the arena, with surrounding
 * whitespace removed unless raw; "" when absent. Fails the field with a
 * message when longer than max_chars characters.
 */
const char *form_text(struct form *f, const char *name, size_t max_chars, bool raw);
/* Record the value to show again in the form. */
void form_keep(struct form *f, const char *name, const char *value);
/* Fail a field with a msgid (translated here). */
void form_fail(struct form *f, const char *name, const char *msgid);
/* Add "form", "errors" and "has_errors" to a page model. */
void form_to_model(struct form *f, struct json_object *model);

#endif
