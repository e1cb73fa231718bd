#include "handlers/home.h"

#include "http/request.h"
#include "view/page.h"
#include "core/banned.h"

int home_show(struct request *r)
{
	struct json_object *m = page_model(r, NULL);

	if (!m)
		return 500;
	json_object_object_add(m, "nav", json_object_new_object());
	json_object_object_add(json_object_object_get(m, "nav"), "home", json_object_new_boolean(1));
	return page_render(r, 200, "pages/home", m);
}
