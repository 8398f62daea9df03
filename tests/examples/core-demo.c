/* core-demo: a dialer and a listener negotiate a substream with the
 * protocol core alone (no network, no GStreamer) and print every frame that
 * would cross the data channel.  It shows the wire format of
 * multistream-select inside libp2p WebRTC frames: the header once, a
 * refused proposal, the fallback without the header, then data and the
 * FIN / FIN_ACK half-close. */
#include "frame.h"
#include "mss.h"
#include "substream.h"

#include <stdio.h>
#include <string.h>

static void
print_frame (const gchar * who, GBytes * frame)
{
  gsize len, i;
  const guint8 *d = g_bytes_get_data (frame, &len);
  Lp2pFrame f;
  gsize used;

  g_print ("%-8s -> %3" G_GSIZE_FORMAT " bytes:", who, len);
  for (i = 0; i < len && i < 24; i++)
    g_print (" %02x", d[i]);
  g_print ("%s", len > 24 ? " ..." : "");
  if (lp2p_frame_decode (d, len, LP2P_FRAME_DEFAULT_MAX_BODY, &f, &used) ==
      LP2P_FRAME_OK && f.has_flag)
    g_print ("  [%s]", (const gchar *[]) {
        "FIN", "STOP_SENDING", "RESET_STREAM", "FIN_ACK"}[f.flag]);
  g_print ("\n");
}

/* Sends @out as one frame from @who to @peer; returns the frame. */
static GBytes *
send_step (const gchar * who, GByteArray * out)
{
  GBytes *frame = lp2p_frame_encode (LP2P_FLAG_NONE, out->data, out->len);

  print_frame (who, frame);
  g_byte_array_set_size (out, 0);
  return frame;
}

/* Decodes one frame and feeds it to the negotiation. */
static Lp2pMssStatus
recv_step (Lp2pMss * mss, GBytes * frame, GByteArray * out)
{
  Lp2pFrame f;
  gsize used;

  g_assert (lp2p_frame_decode (g_bytes_get_data (frame, NULL),
          g_bytes_get_size (frame), LP2P_FRAME_DEFAULT_MAX_BODY, &f,
          &used) == LP2P_FRAME_OK);
  return lp2p_mss_feed_frame (mss, &f, out);
}

int
main (int argc, char **argv)
{
  const gchar *proposals[] = { "/nope/1.0.0", "/echo/1.0.0", NULL };
  const gchar *supported[] = { "/echo/1.0.0", "/ipfs/ping/1.0.0", NULL };
  g_autoptr (GError) err = NULL;
  g_autoptr (Lp2pMss) dialer = lp2p_mss_dialer_new (proposals, FALSE, &err);
  g_autoptr (Lp2pMss) listener = lp2p_mss_listener_new (supported, NULL, NULL);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  Lp2pSubstream ds, ls;
  Lp2pSubstreamActions act;
  const gchar *msg = "hello over libp2p";
  g_autoptr (GBytes) data = NULL;
  GBytes *frame;
  guint rounds = 0;
  Lp2pFrame f;
  gsize used;

  if (dialer == NULL) {
    g_printerr ("%s\n", err->message);
    return 1;
  }
  g_print ("dialer proposes %s, then %s; listener supports %s, %s\n\n",
      proposals[0], proposals[1], supported[0], supported[1]);

  lp2p_mss_start (dialer, out);
  frame = send_step ("dialer", out);
  while (lp2p_mss_get_status (dialer) == LP2P_MSS_NEED_MORE && rounds++ < 4) {
    if (lp2p_mss_get_status (listener) == LP2P_MSS_NEED_MORE)
      recv_step (listener, frame, out);
    g_bytes_unref (frame);
    frame = send_step ("listener", out);
    recv_step (dialer, frame, out);
    g_bytes_unref (frame);
    frame = out->len > 0 ? send_step ("dialer", out) : NULL;
  }
  g_clear_pointer (&frame, g_bytes_unref);

  if (lp2p_mss_get_status (dialer) != LP2P_MSS_SUCCESS) {
    g_printerr ("negotiation failed: %s\n", lp2p_mss_get_error (dialer));
    return 1;
  }
  g_print ("\nnegotiated %s in %u round trips\n\n",
      lp2p_mss_get_protocol (dialer), rounds);

  /* Data, then the half-close of each direction. */
  lp2p_substream_init (&ds, LP2P_SUBSTREAM_FIN_ACK_TIMEOUT_US);
  lp2p_substream_init (&ls, LP2P_SUBSTREAM_FIN_ACK_TIMEOUT_US);
  data = lp2p_frame_encode (LP2P_FLAG_NONE, (const guint8 *) msg,
      strlen (msg));
  print_frame ("dialer", data);
  lp2p_frame_decode (g_bytes_get_data (data, NULL), g_bytes_get_size (data),
      LP2P_FRAME_DEFAULT_MAX_BODY, &f, &used);
  lp2p_substream_on_frame (&ls, &f, &act);
  g_print ("listener delivers \"%.*s\"\n", (int) f.size, f.data);

  lp2p_substream_close_write (&ds, g_get_monotonic_time (), &act);
  frame = lp2p_frame_encode (act.send_flag, NULL, 0);
  print_frame ("dialer", frame);
  lp2p_frame_decode (g_bytes_get_data (frame, NULL), g_bytes_get_size (frame),
      LP2P_FRAME_DEFAULT_MAX_BODY, &f, &used);
  lp2p_substream_on_frame (&ls, &f, &act);
  g_clear_pointer (&frame, g_bytes_unref);
  g_print ("listener: %s\n", lp2p_substream_event_to_string (act.event));
  frame = lp2p_frame_encode (act.send_flag, NULL, 0);
  print_frame ("listener", frame);
  lp2p_frame_decode (g_bytes_get_data (frame, NULL), g_bytes_get_size (frame),
      LP2P_FRAME_DEFAULT_MAX_BODY, &f, &used);
  lp2p_substream_on_frame (&ds, &f, &act);
  g_clear_pointer (&frame, g_bytes_unref);
  g_print ("dialer: %s\n", lp2p_substream_event_to_string (act.event));
  return 0;
}
