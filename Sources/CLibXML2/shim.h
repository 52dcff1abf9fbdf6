#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H
// libxml2 2.9.14 (Debian 12). ICU support is switched off for Swift: its UErrorCode
// clashes with the one Foundation imports.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#endif
