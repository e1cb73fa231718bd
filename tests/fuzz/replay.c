/*
 * Replays a fuzz target's corpus and regression inputs without libFuzzer,
 * so `make check` proves every input that ever crashed still passes.
 * Built once per target with FUZZ_NAME naming its folders; each file is
 * one TAP test (a crash fails the whole program).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	long size;

	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	data = malloc((size_t)size + 1);
	if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) {
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, (size_t)size);
	free(data);
	return 0;
}

static void replay_dir(const char *kind)
{
	char dir[1024], path[2048];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/%s/%s", SRCDIR, kind, FUZZ_NAME);
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		ok(replay_file(path) == 0, "%s/%s", kind, e->d_name);
	}
	closedir(d);
}

int main(void)
{
	replay_dir("corpus");
	replay_dir("regressions");
	ok(1, "replayed every input of " FUZZ_NAME);
	return done_testing();
}
