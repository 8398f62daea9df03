/* gst-libp2p: the libp2p WebRTC frame; see frame.h */
#include "frame.h"
#include "varint.h"

#include <string.h>

/* protobuf tags: (field << 3) | wire type */
#define TAG_FLAG ((1 << 3) | 0)
#define TAG_MESSAGE ((2 << 3) | 2)

/* A protobuf tag of a field number < 2^29 takes at most 5 bytes. */
#define PB_TAG_MAX_BYTES 5

const gchar *
lp2p_frame_result_to_string (Lp2pFrameResult result)
{
  switch (result) {
    case LP2P_FRAME_OK:
      return "ok";
    case LP2P_FRAME_NEED_MORE:
      return "incomplete frame";
    case LP2P_FRAME_ERROR_LENGTH:
      return "invalid frame length varint";
    case LP2P_FRAME_ERROR_TOO_LARGE:
      return "frame larger than the limit";
    case LP2P_FRAME_ERROR_TRUNCATED:
      return "truncated protobuf field";
    case LP2P_FRAME_ERROR_WIRE_TYPE:
      return "invalid protobuf wire type or field number";
    case LP2P_FRAME_ERROR_FIELD_TYPE:
      return "flag or message field with the wrong wire type";
    case LP2P_FRAME_ERROR_DUPLICATE:
      return "flag or message field repeated";
    case LP2P_FRAME_ERROR_UNKNOWN_FLAG:
      return "unknown flag value";
  }
  return "unknown error";
}

gsize
lp2p_frame_encode_header (gint flag, gsize size,
    guint8 out[LP2P_FRAME_MAX_OVERHEAD])
{
  gsize body = 0, n;

  if (flag != LP2P_FLAG_NONE)
    body += 2;
  if (size > 0)
    body += 1 + lp2p_varint_size (size) + size;

  n = lp2p_varint_encode (body, out);
  if (flag != LP2P_FLAG_NONE) {
    g_assert (flag >= LP2P_FLAG_FIN && flag <= LP2P_FLAG_FIN_ACK);
    out[n++] = TAG_FLAG;
    out[n++] = (guint8) flag;
  }
  if (size > 0) {
    out[n++] = TAG_MESSAGE;
    n += lp2p_varint_encode (size, out + n);
  }
  return n;
}

gsize
lp2p_frame_max_payload (gsize max_frame_size)
{
  guint8 hdr[LP2P_FRAME_MAX_OVERHEAD];
  gsize p;

  if (max_frame_size < LP2P_FRAME_MIN_SIZE)
    return 0;
  /* The overhead grows by at most a few bytes as p grows: walk down. */
  p = max_frame_size - 3;
  while (p > 0 && lp2p_frame_encode_header (LP2P_FLAG_FIN, p, hdr) + p >
      max_frame_size)
    p--;
  return p;
}

static GBytes *
encode_one (gint flag, const guint8 * data, gsize size)
{
  guint8 hdr[LP2P_FRAME_MAX_OVERHEAD];
  gsize h = lp2p_frame_encode_header (flag, size, hdr);
  guint8 *out = g_malloc (h + size);

  memcpy (out, hdr, h);
  if (size > 0)
    memcpy (out + h, data, size);
  return g_bytes_new_take (out, h + size);
}

GBytes *
lp2p_frame_encode (gint flag, const guint8 * data, gsize size)
{
  return encode_one (flag, data, size);
}

GPtrArray *
lp2p_frame_encode_split (gint flag, const guint8 * data, gsize size,
    gsize max_frame_size)
{
  GPtrArray *frames = g_ptr_array_new_with_free_func (
      (GDestroyNotify) g_bytes_unref);
  gsize chunk = lp2p_frame_max_payload (max_frame_size);
  gsize off = 0;

  g_return_val_if_fail (chunk > 0, frames);

  while (off < size) {
    gsize n = MIN (chunk, size - off);
    gboolean last = off + n == size;

    g_ptr_array_add (frames, encode_one (last ? flag : LP2P_FLAG_NONE,
            data + off, n));
    off += n;
  }
  if (size == 0 && flag != LP2P_FLAG_NONE)
    g_ptr_array_add (frames, encode_one (flag, NULL, 0));
  return frames;
}

/* Reads a protobuf varint inside a body; any failure there is truncation or
 * garbage, never "need more", because the whole body is present. */
static gboolean
pb_varint (const guint8 * p, gsize len, gsize max_bytes, guint64 * v,
    gsize * used)
{
  return lp2p_varint_decode (p, len, max_bytes, v, used) == LP2P_VARINT_OK;
}

static Lp2pFrameResult
decode_body (const guint8 * p, gsize len, Lp2pFrame * frame)
{
  gboolean have_message = FALSE;
  gsize off = 0;

  memset (frame, 0, sizeof (*frame));

  while (off < len) {
    guint64 tag, v;
    gsize used;
    guint field, wire;

    if (!pb_varint (p + off, len - off, PB_TAG_MAX_BYTES, &tag, &used))
      return LP2P_FRAME_ERROR_TRUNCATED;
    off += used;
    field = (guint) (tag >> 3);
    wire = (guint) (tag & 7);
    if (field == 0 || wire == 3 || wire == 4 || wire == 6 || wire == 7)
      return LP2P_FRAME_ERROR_WIRE_TYPE;

    if (field == 1 || field == 2) {
      if ((field == 1 && wire != 0) || (field == 2 && wire != 2))
        return LP2P_FRAME_ERROR_FIELD_TYPE;
      if ((field == 1 && frame->has_flag) || (field == 2 && have_message))
        return LP2P_FRAME_ERROR_DUPLICATE;
    }

    switch (wire) {
      case 0:
        if (!pb_varint (p + off, len - off, 10, &v, &used))
          return LP2P_FRAME_ERROR_TRUNCATED;
        off += used;
        if (field == 1) {
          if (v > LP2P_FLAG_FIN_ACK)
            return LP2P_FRAME_ERROR_UNKNOWN_FLAG;
          frame->has_flag = TRUE;
          frame->flag = (Lp2pFlag) v;
        }
        break;
      case 1:
      case 5:
        if (len - off < (wire == 1 ? 8u : 4u))
          return LP2P_FRAME_ERROR_TRUNCATED;
        off += wire == 1 ? 8 : 4;
        break;
      case 2:
        if (!pb_varint (p + off, len - off, LP2P_VARINT_MAX_BYTES, &v, &used))
          return LP2P_FRAME_ERROR_TRUNCATED;
        off += used;
        if (v > len - off)
          return LP2P_FRAME_ERROR_TRUNCATED;
        if (field == 2) {
          have_message = TRUE;
          frame->data = v > 0 ? p + off : NULL;
          frame->size = (gsize) v;
        }
        off += (gsize) v;
        break;
    }
  }
  return LP2P_FRAME_OK;
}

Lp2pFrameResult
lp2p_frame_decode (const guint8 * data, gsize len, gsize max_body,
    Lp2pFrame * frame, gsize * consumed)
{
  guint64 body;
  gsize used;
  Lp2pFrameResult r;

  /* A varint longer than the cap needs is refused at once (no waiting for
   * bytes that could only make it larger than the cap). */
  switch (lp2p_varint_decode (data, len, lp2p_varint_size (max_body), &body,
          &used)) {
    case LP2P_VARINT_NEED_MORE:
      return LP2P_FRAME_NEED_MORE;
    case LP2P_VARINT_INVALID:{
      gsize i, n = lp2p_varint_size (max_body);

      /* Invalid is either non-minimal (a zero last byte) or as many
       * continuation bytes as the cap's varint has: a larger value. */
      for (i = 0; i < n && (data[i] & 0x80); i++);
      return i == n ? LP2P_FRAME_ERROR_TOO_LARGE : LP2P_FRAME_ERROR_LENGTH;
    }
    case LP2P_VARINT_OK:
      break;
  }
  if (body > max_body)
    return LP2P_FRAME_ERROR_TOO_LARGE;
  if (len - used < body)
    return LP2P_FRAME_NEED_MORE;

  r = decode_body (data + used, (gsize) body, frame);
  if (r == LP2P_FRAME_OK)
    *consumed = used + (gsize) body;
  return r;
}

void
lp2p_frame_decoder_init (Lp2pFrameDecoder * dec, gsize max_body)
{
  dec->buf = g_byte_array_new ();
  dec->pos = 0;
  dec->max_body = max_body;
  dec->error = LP2P_FRAME_OK;
}

void
lp2p_frame_decoder_clear (Lp2pFrameDecoder * dec)
{
  g_clear_pointer (&dec->buf, g_byte_array_unref);
  dec->pos = 0;
}

void
lp2p_frame_decoder_push (Lp2pFrameDecoder * dec, const guint8 * data,
    gsize len)
{
  if (dec->error != LP2P_FRAME_OK || len == 0)
    return;
  /* Drop what was consumed before growing, so the buffer holds at most one
   * incomplete frame plus the new bytes. */
  if (dec->pos > 0) {
    g_byte_array_remove_range (dec->buf, 0, dec->pos);
    dec->pos = 0;
  }
  g_byte_array_append (dec->buf, data, len);
}

Lp2pFrameResult
lp2p_frame_decoder_next (Lp2pFrameDecoder * dec, Lp2pFrame * frame)
{
  gsize consumed = 0;
  Lp2pFrameResult r;

  if (dec->error != LP2P_FRAME_OK)
    return dec->error;
  r = lp2p_frame_decode (dec->buf->data + dec->pos, dec->buf->len - dec->pos,
      dec->max_body, frame, &consumed);
  if (r == LP2P_FRAME_OK)
    dec->pos += consumed;
  else if (r != LP2P_FRAME_NEED_MORE)
    dec->error = r;
  return r;
}

gsize
lp2p_frame_decoder_pending (const Lp2pFrameDecoder * dec)
{
  return dec->buf->len - dec->pos;
}
