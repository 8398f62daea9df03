/* Core micro-benchmark: frames and multistream-select messages decoded per
 * second on one core (gst/libp2p).  Prints one table. */
#include "frame.h"
#include "mss.h"

#include <stdio.h>

static gdouble
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* Decodes @wire (many frames) again and again for about 1 s; returns
 * frames per second and fills @mbps with payload MB/s. */
static gdouble
frames_per_s (GByteArray * wire, guint frames, gsize payload, gsize chunk,
    gdouble * mbps)
{
  guint64 n = 0;
  gdouble t0 = now_s (), t;

  do {
    Lp2pFrameDecoder dec;
    Lp2pFrame f;
    gsize off = 0;

    lp2p_frame_decoder_init (&dec, LP2P_FRAME_DEFAULT_MAX_BODY);
    while (off < wire->len) {
      gsize len = MIN (chunk, wire->len - off);

      lp2p_frame_decoder_push (&dec, wire->data + off, len);
      off += len;
      while (lp2p_frame_decoder_next (&dec, &f) == LP2P_FRAME_OK)
        n++;
    }
    lp2p_frame_decoder_clear (&dec);
    t = now_s () - t0;
  } while (t < 1.0);
  *mbps = n * payload / t / 1e6;
  return n / t;
}

static GByteArray *
make_wire (guint frames, gsize payload)
{
  GByteArray *wire = g_byte_array_new ();
  guint8 *data = g_malloc0 (payload);
  guint i;

  for (i = 0; i < frames; i++) {
    GBytes *b = lp2p_frame_encode (LP2P_FLAG_NONE, data, payload);

    g_byte_array_append (wire, g_bytes_get_data (b, NULL),
        g_bytes_get_size (b));
    g_bytes_unref (b);
  }
  g_free (data);
  return wire;
}

int
main (void)
{
  static const gsize sizes[] = { 16, 1024, 16377 };
  guint i;
  guint64 negotiations = 0;
  gdouble t0, t;

  printf ("\n4. Core micro-benchmark (one core)\n");
  printf ("| decoder input | frames/s | payload MB/s |\n|---|---|---|\n");
  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    g_autoptr (GByteArray) wire = make_wire (1000, sizes[i]);
    gdouble mb, fps;

    /* whole frames per message, as webrtcbin delivers them */
    fps = frames_per_s (wire, 1000, sizes[i], wire->len / 1000, &mb);
    printf ("| %zu-byte payloads, one frame per message | %.0f | %.0f |\n",
        sizes[i], fps, mb);
  }
  {
    g_autoptr (GByteArray) wire = make_wire (1000, 16377);
    gdouble mb, fps = frames_per_s (wire, 1000, 16377, 1000, &mb);

    printf ("| 16377-byte payloads, cut into 1000-byte messages | %.0f | %.0f "
        "|\n", fps, mb);
  }

  /* multistream-select: a full dialer + listener negotiation per round */
  t0 = now_s ();
  do {
    const gchar *p[] = { "/ipfs/ping/1.0.0", NULL };
    const gchar *l[] = { "/echo/1.0.0", "/ipfs/ping/1.0.0", NULL };
    Lp2pMss *d = lp2p_mss_dialer_new (p, FALSE, NULL);
    Lp2pMss *s = lp2p_mss_listener_new (l, NULL, NULL);
    GByteArray *a = g_byte_array_new (), *b = g_byte_array_new ();

    lp2p_mss_start (d, a);
    lp2p_mss_feed (s, a->data, a->len, b);
    lp2p_mss_feed (d, b->data, b->len, a);
    g_assert (lp2p_mss_get_status (d) == LP2P_MSS_SUCCESS);
    g_byte_array_unref (a);
    g_byte_array_unref (b);
    lp2p_mss_free (d);
    lp2p_mss_free (s);
    negotiations++;
    t = now_s () - t0;
  } while (t < 1.0);
  printf ("\n| multistream-select | negotiations/s | messages decoded/s |\n"
      "|---|---|---|\n");
  printf ("| dialer + listener, header + proposal + echo | %.0f | %.0f |\n",
      negotiations / t, 4 * negotiations / t);
  return 0;
}
