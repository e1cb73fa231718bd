#include "web/assets.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/banned.h"

#define ASSETS_MAX_DEPTH 8

static int assets_walk(crypto_generichash_state *h, const char *dir, int depth)
{
	struct dirent **names;
	int n;

	if (depth > ASSETS_MAX_DEPTH)
		return 0;
	/* Sorted, so the hash does not depend on directory order. */
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		if (names[i]->d_name[0] == '.')
			goto next;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (stat(path, &st) != 0)
			goto next;
		if (S_ISDIR(st.st_mode)) {
			assets_walk(h, path, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			long long meta[2] = { (long long)st.st_size, (long long)st.st_mtime };

			crypto_generichash_update(h, (const unsigned char *)path, strlen(path));
			crypto_generichash_update(h, (const unsigned char *)meta, sizeof(meta));
		}
next:
		free(names[i]);
	}
	free(names);
	return 0;
}

int assets_version(const char *static_dir, char *out, size_t cap)
{
	crypto_generichash_state h;
	unsigned char digest[16];

	if (cap < 13)
		return -1;
	crypto_generichash_init(&h, NULL, 0, sizeof(digest));
	if (assets_walk(&h, static_dir, 0) < 0)
		return -1;
	crypto_generichash_final(&h, digest, sizeof(digest));
	sodium_bin2hex(out, cap, digest, 6);
	return 0;
}
