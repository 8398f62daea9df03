/* gst-libp2p: multiformats unsigned varint; see varint.h */
#include "varint.h"

gsize
lp2p_varint_size (guint64 value)
{
  gsize n = 1;

  while (value >= 0x80) {
    value >>= 7;
    n++;
  }
  return n;
}

gsize
lp2p_varint_encode (guint64 value, guint8 out[LP2P_VARINT_MAX_BYTES])
{
  gsize n = 0;

  g_return_val_if_fail (value <= LP2P_VARINT_MAX_VALUE, 0);

  while (value >= 0x80) {
    out[n++] = (guint8) (value | 0x80);
    value >>= 7;
  }
  out[n++] = (guint8) value;
  return n;
}

Lp2pVarintResult
lp2p_varint_decode (const guint8 * data, gsize len, gsize max_bytes,
    guint64 * value, gsize * consumed)
{
  guint64 v = 0;
  gsize i;

  if (max_bytes == 0 || max_bytes > LP2P_VARINT_MAX_BYTES)
    max_bytes = LP2P_VARINT_MAX_BYTES;

  for (i = 0; i < max_bytes; i++) {
    guint8 b;

    if (i >= len)
      return LP2P_VARINT_NEED_MORE;
    b = data[i];
    v |= (guint64) (b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      /* A last byte of zero after other bytes adds nothing: the same value
       * has a shorter encoding, which the multiformats spec forbids. */
      if (b == 0 && i > 0)
        return LP2P_VARINT_INVALID;
      *value = v;
      *consumed = i + 1;
      return LP2P_VARINT_OK;
    }
  }
  /* max_bytes bytes, all with the continuation bit. */
  return LP2P_VARINT_INVALID;
}
