/* gst-libp2p: the stream resets in an SCTP packet (see sctp.h) */
#include "sctp.h"

static guint16
be16 (const guint8 * p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static guint32
be32 (const guint8 * p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) |
      ((guint32) p[2] << 8) | p[3];
}

/* The parameters of one RE-CONFIG chunk's value; -1 when malformed. */
static gint
reconfig_params (const guint8 * p, gsize len, Lp2pSctpResetFunc func,
    gpointer data)
{
  gint n = 0;

  while (len > 0) {
    guint16 type, plen;
    gsize padded;

    if (len < 4)
      return -1;
    type = be16 (p);
    plen = be16 (p + 2);
    if (plen < 4 || plen > len)
      return -1;
    if (type == LP2P_SCTP_PARAM_OUTGOING_RESET) {
      /* RFC 6525 §4.1: 16 bytes, then 2 per stream */
      if (plen < 16 || (plen - 16) % 2 != 0)
        return -1;
      if (func)
        func (be32 (p + 4), p + 16, (plen - 16) / 2, data);
      n++;
    }
    padded = ((gsize) plen + 3) & ~(gsize) 3;
    if (padded >= len)
      break;
    p += padded;
    len -= padded;
  }
  return n;
}

/* One step of a packet's chunk walk (RFC 4960 §3.2: type, flags, length
 * with the 4-byte header, padded to 4): 1 and the chunk's type and value,
 * 0 at the end, -1 when malformed. */
static gint
next_chunk (const guint8 ** p, gsize * left, guint8 * type,
    const guint8 ** value, gsize * vlen)
{
  guint16 clen;
  gsize padded;

  if (*left == 0)
    return 0;
  if (*left < 4)
    return -1;
  clen = be16 (*p + 2);
  if (clen < 4 || clen > *left)
    return -1;
  *type = (*p)[0];
  *value = *p + 4;
  *vlen = clen - 4;
  padded = MIN (((gsize) clen + 3) & ~(gsize) 3, *left);
  *p += padded;
  *left -= padded;
  return 1;
}

gint
lp2p_sctp_outgoing_resets (const guint8 * pkt, gsize len,
    Lp2pSctpResetFunc func, gpointer data)
{
  const guint8 *p, *value;
  gsize left, vlen;
  guint8 type;
  gint n = 0, r;

  if (pkt == NULL || len < LP2P_SCTP_COMMON_HEADER)
    return -1;
  p = pkt + LP2P_SCTP_COMMON_HEADER;
  left = len - LP2P_SCTP_COMMON_HEADER;
  while ((r = next_chunk (&p, &left, &type, &value, &vlen)) > 0) {
    if (type == LP2P_SCTP_CHUNK_RECONFIG) {
      gint got = reconfig_params (value, vlen, func, data);

      if (got < 0)
        return -1;
      n += got;
    }
  }
  return r < 0 ? -1 : n;
}

guint32
lp2p_sctp_chunk_types (const guint8 * pkt, gsize len)
{
  const guint8 *p, *value;
  gsize left, vlen;
  guint32 mask = 0;
  guint8 type;
  gint r;

  if (pkt == NULL || len < LP2P_SCTP_COMMON_HEADER)
    return 0;
  p = pkt + LP2P_SCTP_COMMON_HEADER;
  left = len - LP2P_SCTP_COMMON_HEADER;
  while ((r = next_chunk (&p, &left, &type, &value, &vlen)) > 0)
    if (type < 32)
      mask |= 1u << type;
  return r < 0 ? 0 : mask;
}
