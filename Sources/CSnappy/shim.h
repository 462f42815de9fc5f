#ifndef CSNAPPY_SHIM_H
#define CSNAPPY_SHIM_H
#include <stddef.h>
#include <snappy-c.h>
#endif
