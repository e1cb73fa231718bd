#ifndef BB_HANDLERS_PAGING_H
#define BB_HANDLERS_PAGING_H
/* Cursor pagination: lists page by id (?max_id=), never by offset. */
struct request;

/* ?max_id= as a number, 0 when absent; -1 when it is not a number. */
int paging_max_id(struct request *r, unsigned long long *max_id);

#endif
