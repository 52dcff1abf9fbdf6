#ifndef CHIREDIS_SHIM_H
#define CHIREDIS_SHIM_H
// hiredis 0.14.1 (Debian 12). Only the reply reader and the argv formatters are used:
// Swift cannot call the variadic redisCommand.
#include <hiredis/hiredis.h>
#include <hiredis/read.h>
#endif
