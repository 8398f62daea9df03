/* libFuzzer target: streaming WebRTC frame decoder (gst/libp2p/frame.h).
 * The first input byte picks how the rest is cut into data-channel
 * messages.  Invariants: the decoder never buffers more than one frame
 * plus one message; every decoded frame re-encodes to a frame that decodes
 * to the same flag and payload; after an error it stays in that error. */
#include "frame.h"
#include "varint.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

/* A small cap so that the size limit is reached by the fuzzer too. */
#define FUZZ_MAX_BODY 4096

static void
check_reencode (const Lp2pFrame * f)
{
  GBytes *b = lp2p_frame_encode (f->has_flag ? (gint) f->flag :
      LP2P_FLAG_NONE, f->data, f->size);
  Lp2pFrame g;
  gsize consumed;

  if (!f->has_flag && f->size == 0) {
    /* an empty frame re-encodes as "00" */
    g_assert (g_bytes_get_size (b) == 1);
  }
  g_assert (lp2p_frame_decode (g_bytes_get_data (b, NULL),
          g_bytes_get_size (b), G_MAXSIZE, &g, &consumed) == LP2P_FRAME_OK);
  g_assert (consumed == g_bytes_get_size (b));
  g_assert (g.has_flag == f->has_flag);
  g_assert (!g.has_flag || g.flag == f->flag);
  g_assert (g.size == f->size);
  g_assert (f->size == 0 || memcmp (g.data, f->data, f->size) == 0);
  g_bytes_unref (b);
}

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  Lp2pFrameDecoder dec;
  Lp2pFrameResult r = LP2P_FRAME_OK, err = LP2P_FRAME_OK;
  gsize step, off = 0;

  if (size == 0)
    return 0;
  step = 1 + data[0] % 64;
  data++;
  size--;

  lp2p_frame_decoder_init (&dec, FUZZ_MAX_BODY);
  while (off < size) {
    gsize n = MIN (step, size - off);
    Lp2pFrame f;

    lp2p_frame_decoder_push (&dec, data + off, n);
    off += n;
    while ((r = lp2p_frame_decoder_next (&dec, &f)) == LP2P_FRAME_OK) {
      g_assert (f.size <= FUZZ_MAX_BODY);
      check_reencode (&f);
    }
    if (r != LP2P_FRAME_NEED_MORE) {
      if (err != LP2P_FRAME_OK)
        g_assert (r == err);
      err = r;
    }
    g_assert (lp2p_frame_decoder_pending (&dec) <=
        FUZZ_MAX_BODY + LP2P_VARINT_MAX_BYTES + step || err != LP2P_FRAME_OK);
  }
  lp2p_frame_decoder_clear (&dec);
  return 0;
}
