#ifndef CCRC32C_H
#define CCRC32C_H
/* CRC-32C (Castagnoli), the checksum of Kafka's record batch v2.
   All functions take and return the standard (finalised) CRC and chain:
   crc(a ++ b) == f(f(0, a), b). The check value of "123456789" is 0xE3069283. */
#include <stddef.h>
#include <stdint.h>

/* The fastest implementation available on this CPU (ISA-L, which dispatches at run time
   between PCLMUL/AVX-512 folding and its own base code). */
uint32_t wharf_crc32c(uint32_t crc, const void *buf, size_t len);

/* Individual implementations, kept for cross-checking in tests and for `make bench`. */
int wharf_crc32c_sse42_available(void);
uint32_t wharf_crc32c_sse42(uint32_t crc, const void *buf, size_t len);   /* needs SSE4.2 */
uint32_t wharf_crc32c_portable(uint32_t crc, const void *buf, size_t len); /* slicing-by-8 */
uint32_t wharf_crc32c_isal(uint32_t crc, const void *buf, size_t len);
#endif
