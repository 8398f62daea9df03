/* libFuzzer target: varint decoder (gst/libp2p/varint.h).
 * Invariants: a decoded value re-encodes to exactly the bytes consumed
 * (only minimal encodings are accepted); NEED_MORE only for a prefix
 * shorter than the cap whose bytes all carry the continuation bit. */
#include "varint.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  gsize cap;

  for (cap = 1; cap <= LP2P_VARINT_MAX_BYTES; cap++) {
    guint64 v = 0;
    gsize used = 0, i;
    guint8 enc[LP2P_VARINT_MAX_BYTES];

    switch (lp2p_varint_decode (data, size, cap, &v, &used)) {
      case LP2P_VARINT_OK:
        g_assert (used >= 1 && used <= cap && used <= size);
        g_assert (lp2p_varint_encode (v, enc) == used);
        g_assert (memcmp (enc, data, used) == 0);
        g_assert (lp2p_varint_size (v) == used);
        break;
      case LP2P_VARINT_NEED_MORE:
        g_assert (size < cap);
        for (i = 0; i < size; i++)
          g_assert (data[i] & 0x80);
        break;
      case LP2P_VARINT_INVALID:
        break;
    }
  }
  return 0;
}
