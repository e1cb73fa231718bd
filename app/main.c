#include <stdio.h>
#include <string.h>

#include "core/banned.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "usage: beaubelle COMMAND\n");
	return 2;
}
