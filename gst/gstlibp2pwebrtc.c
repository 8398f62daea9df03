/* gst-libp2p: the one room that talks to webrtcbin (see gstlibp2pwebrtc.h)
 *
 *   GstLibp2pRtc ──refs── webrtcbin ──emits── on-data-channel,
 *        │                                    notify::connection-state
 *        ├── closing: released channels not CLOSED yet (notify::ready-state)
 *        └── released: channel objects kept until _rtc_close() (only where
 *            their elements could not be taken out, see "reaping")
 *   GstLibp2pChannel ──refs── GstWebRTCDataChannel ──emits── on-open,
 *        on-message-data, on-buffered-amount-low, on-close, on-error
 *
 * rtc->lock guards the closing and released lists and the flags.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2pwebrtc-priv.h"
#include "gstlibp2putil.h"
#include "gstlibp2preuse.h"

#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>

GST_DEBUG_CATEGORY (libp2p_webrtc_debug);
#define GST_CAT_DEFAULT libp2p_webrtc_debug


/* A released channel waiting for CLOSED. */
typedef struct
{
  GstWebRTCDataChannel *dc;     /* our reference */
  gulong sig;
} Closing;

enum
{
  CH_OPEN, CH_MESSAGE, CH_LOW, CH_CLOSE, CH_ERROR, CH_N
};

struct _GstLibp2pChannel
{
  GstLibp2pRtc *rtc;
  GstWebRTCDataChannel *dc;
  gulong sig[CH_N];
};

/* A handler's data (gstlibp2putil.h); its owner is the GstLibp2pRtc. */
typedef GstLibp2pHook Hook;
#define HOOK_RTC(h) ((GstLibp2pRtc *) (h)->owner)
#define hook_new gst_libp2p_hook_new
#define hook_connect gst_libp2p_hook_connect
#define hook_unref(h, closure) gst_libp2p_hook_unref (h)

/* ---- the connection ---- */

static gint
dc_id (GstWebRTCDataChannel * dc)
{
  gint id = -1;

  g_object_get (dc, "id", &id, NULL);
  return id;
}

static GstLibp2pChannel *
channel_wrap (GstLibp2pRtc * rtc, GstWebRTCDataChannel * dc)
{
  GstLibp2pChannel *ch = g_new0 (GstLibp2pChannel, 1);

  ch->rtc = gst_libp2p_rtc_ref (rtc);
  ch->dc = dc;
  return ch;
}

static void
on_data_channel (GstElement * webrtc, GstWebRTCDataChannel * dc, Hook * h)
{
  const GstLibp2pRtcFuncs *funcs = h->funcs;
  gboolean negotiated = FALSE;
  gint id = -1;

  /* Only our own negotiated channel 0 is not a substream.  A remote that
   * closed its channel 0 after the handshake may announce a new channel
   * with id 0 (Chromium takes the lowest free id: smoldot's first substream
   * after Noise is often id 0): a substream like any other. */
  g_object_get (dc, "id", &id, "negotiated", &negotiated, NULL);
  if (negotiated) {
    GST_DEBUG ("ignoring negotiated data channel %d", id);
    return;
  }
  gst_libp2p_reuse_guard_live (HOOK_RTC (h)->reuse, id, dc, TRUE);
  /* webrtcbin gave us no reference: the wrapper takes one */
  funcs->data_channel (h->data, channel_wrap (HOOK_RTC (h), g_object_ref (dc)));
}

/* webrtcbin makes a channel for a stream the remote opened (sctpdec's
 * pad-added, between the reuse guard's two handlers) */
static void
on_prepare_channel (GstElement * webrtc, GstWebRTCDataChannel * dc,
    gboolean is_local, Hook * h)
{
  if (!is_local)
    gst_libp2p_reuse_guard_remote_channel (HOOK_RTC (h)->reuse, dc_id (dc));
}

static GstLibp2pRtcState
map_state (GstWebRTCPeerConnectionState s)
{
  switch (s) {
    case GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED:
      return GST_LIBP2P_RTC_STATE_CONNECTED;
    case GST_WEBRTC_PEER_CONNECTION_STATE_FAILED:
      return GST_LIBP2P_RTC_STATE_FAILED;
    case GST_WEBRTC_PEER_CONNECTION_STATE_CLOSED:
      return GST_LIBP2P_RTC_STATE_CLOSED;
    default:
      return GST_LIBP2P_RTC_STATE_CONNECTING;
  }
}

/* webrtcbin says CONNECTED at DTLS; a channel's first message sent
 * before the SCTP association is up fails in sctpenc (an ERROR) */
static GstLibp2pRtcState
rtc_state (GstLibp2pRtc * rtc)
{
  GstWebRTCPeerConnectionState s;
  gboolean sctp_up;

  g_object_get (rtc->webrtcbin, "connection-state", &s, NULL);
  g_mutex_lock (&rtc->lock);
  sctp_up = rtc->sctpenc == NULL || rtc->assoc_up;
  g_mutex_unlock (&rtc->lock);
  if (s == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED && !sctp_up)
    return GST_LIBP2P_RTC_STATE_TRANSPORT_UP;
  return map_state (s);
}

static void
on_state (GstElement * webrtc, GParamSpec * pspec, Hook * h)
{
  GstLibp2pRtcState s = rtc_state (HOOK_RTC (h));

  GST_DEBUG_OBJECT (webrtc, "connection state %d", s);
  ((const GstLibp2pRtcFuncs *) h->funcs)->state (h->data, s);
}

static void
on_assoc (GstElement * sctpenc, gboolean up, Hook * h)
{
  g_mutex_lock (&HOOK_RTC (h)->lock);
  HOOK_RTC (h)->assoc_up = up;
  g_mutex_unlock (&HOOK_RTC (h)->lock);
  on_state (HOOK_RTC (h)->webrtcbin, NULL, h);
}

/* webrtcbin adds its sctpdec (the guard's pad-added handler goes first)
 * and its sctpenc (the association's state is watched); both get our
 * association id (gstlibp2passocid.c); sctpenc's pad release and stop
 * never overlap (gstlibp2pencguard.c) */
static void
on_element_added (GstBin * webrtc, GstElement * child, Hook * h)
{
  GstLibp2pRtc *rtc = HOOK_RTC (h);

  gst_libp2p_reuse_guard_attach (rtc->reuse, child);
  gst_libp2p_gate_attach (rtc->gate, child);
  gst_libp2p_sctp_end_attach (rtc->end, child);
  gst_libp2p_reset_order_attach (rtc->order, child);
  gst_libp2p_assoc_id_attach (rtc->assoc, child);
  gst_libp2p_enc_guard_attach (child);
  if (!gst_libp2p_is_factory (child, "sctpenc"))
    return;
  g_mutex_lock (&rtc->lock);
  if (rtc->sctpenc == NULL) {
    rtc->sctpenc = gst_object_ref (child);
    rtc->sig_assoc = hook_connect (child, "sctp-association-established",
        G_CALLBACK (on_assoc), h);
  }
  g_mutex_unlock (&rtc->lock);
}

/* the remote sent an ABORT or SHUTDOWN (the thread into sctpdec; only the
 * hook's data is used) */
static void
on_remote_ended (gpointer data)
{
  Hook *h = data;

  ((const GstLibp2pRtcFuncs *) h->funcs)->state (h->data,
      GST_LIBP2P_RTC_STATE_CLOSED);
}

GstLibp2pRtc *
gst_libp2p_rtc_new (GstElement * webrtcbin, const GstLibp2pRtcFuncs * funcs,
    gpointer data, gpointer (*ref) (gpointer), GDestroyNotify unref)
{
  GstLibp2pRtc *rtc = g_new0 (GstLibp2pRtc, 1);
  Hook *h = hook_new (funcs, data, ref, unref);

  rtc->ref = 1;
  if (libp2p_webrtc_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (libp2p_webrtc_debug, "libp2pwebrtc", 0,
        "libp2p: the webrtcbin room");
  rtc->webrtcbin = gst_object_ref (webrtcbin);
  g_mutex_init (&rtc->lock);
  rtc->released = g_ptr_array_new_with_free_func (g_object_unref);
  rtc->closing = g_ptr_array_new ();
  rtc->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  h->owner = rtc;
  rtc->reuse = gst_libp2p_reuse_guard_new ();
  rtc->gate = gst_libp2p_gate_new ();
  rtc->order = gst_libp2p_reset_order_new ();
  rtc->assoc = gst_libp2p_assoc_id_new ();
  rtc->end = gst_libp2p_sctp_end_new (on_remote_ended, h,
      (gpointer (*)(gpointer)) gst_libp2p_hook_ref,
      (GDestroyNotify) gst_libp2p_hook_unref);
  rtc->sig_element = hook_connect (webrtcbin, "element-added",
      G_CALLBACK (on_element_added), h);
  rtc->sig_data_channel = hook_connect (webrtcbin, "on-data-channel",
      G_CALLBACK (on_data_channel), h);
  rtc->sig_state = hook_connect (webrtcbin, "notify::connection-state",
      G_CALLBACK (on_state), h);
  if (g_signal_lookup ("prepare-data-channel", G_OBJECT_TYPE (webrtcbin)))
    rtc->sig_prepare = hook_connect (webrtcbin, "prepare-data-channel",
        G_CALLBACK (on_prepare_channel), h);
  hook_unref (h, NULL);
  return rtc;
}

void
gst_libp2p_rtc_set_free_closed (GstLibp2pRtc * rtc, gboolean free)
{
  g_mutex_lock (&rtc->lock);
  rtc->free_closed = free;
  g_mutex_unlock (&rtc->lock);
}

void
gst_libp2p_rtc_hold_receive (GstLibp2pRtc * rtc, gboolean hold, guint seq)
{
  gst_libp2p_gate_set (rtc->gate, hold, seq);
}

void
gst_libp2p_rtc_receive_stats (GstLibp2pRtc * rtc, GstStructure * s)
{
  gst_libp2p_gate_get_stats (rtc->gate, s);
}

void
gst_libp2p_rtc_begin_stop (GstLibp2pRtc * rtc)
{
  g_mutex_lock (&rtc->lock);
  rtc->stopping = TRUE;
  g_mutex_unlock (&rtc->lock);
}

gboolean
gst_libp2p_rtc_going_down (GstLibp2pRtc * rtc)
{
  return gst_libp2p_going_down (rtc->webrtcbin);
}

gboolean
gst_libp2p_rtc_abort (GstLibp2pRtc * rtc)
{
  return gst_libp2p_sctp_end_abort (rtc->end);
}

void
gst_libp2p_rtc_ended (GstLibp2pRtc * rtc)
{
  gst_libp2p_reuse_guard_block_new_streams (rtc->reuse);
}

void
gst_libp2p_rtc_close (GstLibp2pRtc * rtc)
{
  GPtrArray *released, *closing;
  guint i;

  g_signal_handler_disconnect (rtc->webrtcbin, rtc->sig_data_channel);
  g_signal_handler_disconnect (rtc->webrtcbin, rtc->sig_state);
  g_signal_handler_disconnect (rtc->webrtcbin, rtc->sig_element);
  if (rtc->sig_prepare)
    g_signal_handler_disconnect (rtc->webrtcbin, rtc->sig_prepare);
  if (rtc->sctpenc)
    g_signal_handler_disconnect (rtc->sctpenc, rtc->sig_assoc);
  gst_clear_object (&rtc->sctpenc);
  gst_libp2p_reuse_guard_stop (rtc->reuse);
  gst_libp2p_gate_stop (rtc->gate);
  gst_libp2p_sctp_end_stop (rtc->end);
  gst_libp2p_reset_order_stop (rtc->order);
  g_mutex_lock (&rtc->lock);
  rtc->closed = TRUE;
  released = rtc->released;
  rtc->released = g_ptr_array_new_with_free_func (g_object_unref);
  closing = rtc->closing;
  rtc->closing = g_ptr_array_new ();
  g_ptr_array_extend_and_steal (released, rtc->waiting);
  rtc->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_unlock (&rtc->lock);
  /* webrtcbin is in READY: no channel thread runs, none will */
  for (i = 0; i < closing->len; i++) {
    Closing *c = g_ptr_array_index (closing, i);

    g_signal_handler_disconnect (c->dc, c->sig);
    g_object_unref (c->dc);
    g_free (c);
  }
  g_ptr_array_unref (closing);
  g_ptr_array_unref (released);
  gst_libp2p_rtc_unref (rtc);
}

GstLibp2pRtc *
gst_libp2p_rtc_ref (GstLibp2pRtc * rtc)
{
  g_atomic_int_inc (&rtc->ref);
  return rtc;
}

void
gst_libp2p_rtc_unref (GstLibp2pRtc * rtc)
{
  if (!g_atomic_int_dec_and_test (&rtc->ref))
    return;
  gst_object_unref (rtc->webrtcbin);
  gst_libp2p_reuse_guard_unref (rtc->reuse);
  gst_libp2p_gate_unref (rtc->gate);
  gst_libp2p_sctp_end_unref (rtc->end);
  gst_libp2p_reset_order_stop (rtc->order);
  gst_libp2p_reset_order_unref (rtc->order);
  gst_libp2p_assoc_id_free (rtc->assoc);
  g_ptr_array_unref (rtc->released);
  g_ptr_array_unref (rtc->closing);
  g_ptr_array_unref (rtc->waiting);
  g_mutex_clear (&rtc->lock);
  g_free (rtc);
}

GstLibp2pRtcState
gst_libp2p_rtc_get_state (GstLibp2pRtc * rtc)
{
  return rtc_state (rtc);
}

GstLibp2pChannel *
gst_libp2p_rtc_create_channel (GstLibp2pRtc * rtc, gint negotiated_id)
{
  GstWebRTCDataChannel *dc = NULL;
  GstStructure *opts;

  /* Ordered (a byte stream on top); the label is unused by libp2p. */
  opts = gst_structure_new ("application/data-channel", "ordered",
      G_TYPE_BOOLEAN, TRUE, NULL);
  if (negotiated_id >= 0)
    gst_structure_set (opts, "negotiated", G_TYPE_BOOLEAN, TRUE, "id",
        G_TYPE_INT, negotiated_id, NULL);
  /* webrtcbin takes the lowest free id: not one whose reset is late; and
   * none once the association ends */
  else if (!gst_libp2p_reuse_guard_wait_resets (rtc->reuse)) {
    gst_structure_free (opts);
    return NULL;
  }
  g_signal_emit_by_name (rtc->webrtcbin, "create-data-channel", "", opts, &dc);
  gst_structure_free (opts);
  if (negotiated_id < 0)
    gst_libp2p_reuse_guard_created (rtc->reuse);
  if (dc == NULL)
    return NULL;
  if (negotiated_id < 0)
    gst_libp2p_reuse_guard_live (rtc->reuse, dc_id (dc), dc, FALSE);
  return channel_wrap (rtc, dc);
}

/* ---- data channels ---- */

static void
ch_on_open (GstWebRTCDataChannel * dc, Hook * h)
{
  ((const GstLibp2pChannelFuncs *) h->funcs)->open (h->data);
}

static void
ch_on_message (GstWebRTCDataChannel * dc, GBytes * bytes, Hook * h)
{
  if (bytes == NULL)
    return;
  gst_libp2p_gate_delivered (HOOK_RTC (h)->gate, g_bytes_get_size (bytes));
  ((const GstLibp2pChannelFuncs *) h->funcs)->message (h->data, bytes);
}

static void
ch_on_low (GstWebRTCDataChannel * dc, Hook * h)
{
  ((const GstLibp2pChannelFuncs *) h->funcs)->buffered_low (h->data);
}

static void
ch_on_close (GstWebRTCDataChannel * dc, Hook * h)
{
  /* webrtcbin's own handler of CLOSED has forgotten the channel */
  gst_libp2p_reuse_guard_closed (HOOK_RTC (h)->reuse, dc_id (dc), dc);
  ((const GstLibp2pChannelFuncs *) h->funcs)->closed (h->data);
}

static void
ch_on_error (GstWebRTCDataChannel * dc, GError * error, Hook * h)
{
  ((const GstLibp2pChannelFuncs *) h->funcs)->error (h->data, error);
}

void
gst_libp2p_channel_attach (GstLibp2pChannel * ch,
    const GstLibp2pChannelFuncs * funcs, gpointer data,
    gpointer (*ref) (gpointer), GDestroyNotify unref)
{
  Hook *h = hook_new (funcs, data, ref, unref);

  h->owner = ch->rtc;
  if (funcs->open)
    ch->sig[CH_OPEN] = hook_connect (ch->dc, "on-open",
        G_CALLBACK (ch_on_open), h);
  ch->sig[CH_MESSAGE] = hook_connect (ch->dc, "on-message-data",
      G_CALLBACK (ch_on_message), h);
  if (funcs->buffered_low)
    ch->sig[CH_LOW] = hook_connect (ch->dc, "on-buffered-amount-low",
        G_CALLBACK (ch_on_low), h);
  if (funcs->closed)
    ch->sig[CH_CLOSE] = hook_connect (ch->dc, "on-close",
        G_CALLBACK (ch_on_close), h);
  if (funcs->error)
    ch->sig[CH_ERROR] = hook_connect (ch->dc, "on-error",
        G_CALLBACK (ch_on_error), h);
  hook_unref (h, NULL);
}

gint
gst_libp2p_channel_get_id (GstLibp2pChannel * ch)
{
  return dc_id (ch->dc);
}

gboolean
gst_libp2p_channel_is_open (GstLibp2pChannel * ch)
{
  GstWebRTCDataChannelState s = GST_WEBRTC_DATA_CHANNEL_STATE_CONNECTING;

  g_object_get (ch->dc, "ready-state", &s, NULL);
  return s == GST_WEBRTC_DATA_CHANNEL_STATE_OPEN;
}

gboolean
gst_libp2p_channel_send (GstLibp2pChannel * ch, GBytes * data, GError ** error)
{
  return gst_webrtc_data_channel_send_data_full (ch->dc, data, error);
}

guint64
gst_libp2p_channel_get_buffered_amount (GstLibp2pChannel * ch)
{
  guint64 amount = 0;

  g_object_get (ch->dc, "buffered-amount", &amount, NULL);
  return amount;
}

void
gst_libp2p_channel_set_buffered_low (GstLibp2pChannel * ch, guint64 threshold)
{
  g_object_set (ch->dc, "buffered-amount-low-threshold", threshold, NULL);
}

/* ---- reaping: a closed channel's elements (webrtcbin before 1.25.1) ----
 * webrtcbin 1.22 .. 1.24 keep a closed channel's src_bin (appsrc and its
 * thread) and sink_bin (appsink) until they stop, and the channel object
 * with them; every SCTP stream reset then goes to every such object.
 * 1.25.1 takes them out at CLOSED (68bbfdc9: locked, NULL, removed), 1.29.2
 * makes the channel hold references to them (0b05f89c).  We do both, at
 * CLOSED, finding the bins through the first fields of the private
 * WebRTCDataChannel (the same in 1.22.0 .. 1.24.x), each checked before
 * use; where a check fails the object is kept until the webrtcbin stops.
 * Our reference may go once the appsrc stopped (1.22's use-after-free). */

/* After the GstWebRTCDataChannel instance (its size read from the type
 * system, the struct is private): sctp_transport, src_bin, appsrc,
 * sink_bin, appsink. */
enum
{
  DC_SCTP_TRANSPORT, DC_SRC_BIN, DC_APPSRC, DC_SINK_BIN, DC_APPSINK
};

static gpointer *
dc_private_fields (GstWebRTCDataChannel * dc)
{
  GTypeQuery parent, sub;

  g_type_query (GST_TYPE_WEBRTC_DATA_CHANNEL, &parent);
  g_type_query (G_OBJECT_TYPE (dc), &sub);
  if (parent.instance_size == 0 || parent.instance_size % sizeof (gpointer) ||
      sub.instance_size < parent.instance_size + 5 * sizeof (gpointer))
    return NULL;
  return (gpointer *) ((guint8 *) dc + parent.instance_size);
}

#define webrtc_keeps_closed_bins() \
  gst_libp2p_webrtc_has_bug (GST_LIBP2P_WEBRTC_KEEPS_CLOSED_BINS)

#define BINS_QUARK g_quark_from_static_string ("gst-libp2p-reaped-bins")

/* The sink_bin goes only once sctpdec's pad of the stream is unlinked
 * from it: until then it may be handed data (a remote that reused the
 * stream id before this side finished closing: webrtcbin 1.22 gives the new
 * stream's first message to the old channel), and data into a removed bin
 * is a NOT_LINKED that sctpdec turns into a pipeline error (measured). */
typedef enum
{
  REAP_UNKNOWN,                 /* not laid out as expected: keep it all */
  REAP_DONE,                    /* both bins out */
  REAP_SINK_FED,                /* src_bin out; sink_bin still fed */
} ReapResult;

/* Takes @dc's src_bin (its appsrc's thread) and, if nothing feeds it, its
 * sink_bin out of the webrtcbin. */
static ReapResult
reap_bins (GstLibp2pRtc * rtc, GstWebRTCDataChannel * dc)
{
  gpointer *f;
  GPtrArray *bins;
  GstPad *enc_pad;

  if (!g_str_equal (G_OBJECT_TYPE_NAME (dc), "WebRTCDataChannel") ||
      (f = dc_private_fields (dc)) == NULL ||
      !gst_libp2p_is_child (f[DC_SRC_BIN], rtc->webrtcbin) ||
      !gst_libp2p_is_child (f[DC_SINK_BIN], rtc->webrtcbin) ||
      !gst_libp2p_is_child (f[DC_APPSRC], f[DC_SRC_BIN]) ||
      !gst_libp2p_is_child (f[DC_APPSINK], f[DC_SINK_BIN]))
    return REAP_UNKNOWN;
  /* the channel points at them for as long as it lives */
  bins = g_ptr_array_new_with_free_func (gst_object_unref);
  g_ptr_array_add (bins, gst_object_ref (f[DC_SRC_BIN]));
  g_ptr_array_add (bins, gst_object_ref (f[DC_SINK_BIN]));
  g_object_set_qdata_full (G_OBJECT (dc), BINS_QUARK, bins,
      (GDestroyNotify) g_ptr_array_unref);
  /* webrtcbin releases sctpenc's pad of the stream (which resets it)
   * through src_bin's link; where it has not, taking src_bin out would
   * leave the stream never reset (the remote keeps its pad and thread):
   * released here, once the appsrc's thread no longer pushes into it */
  enc_pad = gst_libp2p_peer_request_pad (f[DC_SRC_BIN], "src");
  gst_libp2p_bin_take_out (rtc->webrtcbin, f[DC_SRC_BIN]);
  if (enc_pad) {
    gst_libp2p_release_request_pad (enc_pad);
    gst_object_unref (enc_pad);
  }
  if (gst_libp2p_pad_is_linked (f[DC_SINK_BIN], "sink"))
    return REAP_SINK_FED;
  gst_libp2p_bin_take_out (rtc->webrtcbin, f[DC_SINK_BIN]);
  return REAP_DONE;
}

/* Channels whose sink_bin was still fed: those no longer fed go now. */
#define reap_waiting(rtc) gst_libp2p_take_out_unfed ((rtc)->webrtcbin, \
    &(rtc)->waiting, &(rtc)->lock, BINS_QUARK)

/* @dc (ours) is CLOSED: its elements go, then our reference.  Not under
 * rtc->lock. */
static void
channel_closed (GstLibp2pRtc * rtc, GstWebRTCDataChannel * dc)
{
  ReapResult r = REAP_DONE;
  gboolean stopping;

  g_mutex_lock (&rtc->lock);
  /* not asked to: the rule before reaping */
  stopping = rtc->stopping || rtc->closed || !rtc->free_closed;
  g_mutex_unlock (&rtc->lock);
  /* While webrtcbin stops it tears its elements down itself, and a channel
   * whose appsrc still runs must outlive that (the rule before reaping). */
  if (webrtc_keeps_closed_bins ())
    r = stopping ? REAP_UNKNOWN : reap_bins (rtc, dc);
  if (r != REAP_UNKNOWN)
    reap_waiting (rtc);
  g_mutex_lock (&rtc->lock);
  if (r == REAP_UNKNOWN)
    g_ptr_array_add (rtc->released, dc);
  else if (r == REAP_SINK_FED)
    g_ptr_array_add (rtc->waiting, dc);
  g_mutex_unlock (&rtc->lock);
  if (r == REAP_DONE)
    g_object_unref (dc);
}

static GstWebRTCDataChannelState
dc_state (GstWebRTCDataChannel * dc)
{
  GstWebRTCDataChannelState s = GST_WEBRTC_DATA_CHANNEL_STATE_CONNECTING;

  g_object_get (dc, "ready-state", &s, NULL);
  return s;
}

#define dc_is_closed(dc) (dc_state (dc) == GST_WEBRTC_DATA_CHANNEL_STATE_CLOSED)
#define DRAIN_US (1000 * G_TIME_SPAN_MILLISECOND)

/* webrtcbin's thread (after webrtcbin's own handler took the channel off
 * its lists) */
static void
on_ready_state (GstWebRTCDataChannel * dc, GParamSpec * pspec,
    GstLibp2pRtc * rtc)
{
  Closing *c = NULL;
  guint i;

  if (!dc_is_closed (dc))
    return;
  gst_libp2p_reuse_guard_closed (rtc->reuse, dc_id (dc), dc);
  g_mutex_lock (&rtc->lock);
  for (i = 0; i < rtc->closing->len && c == NULL; i++)
    if (((Closing *) g_ptr_array_index (rtc->closing, i))->dc == dc)
      c = g_ptr_array_steal_index_fast (rtc->closing, i);
  g_mutex_unlock (&rtc->lock);
  if (c == NULL)
    return;                     /* _rtc_close() has it */
  g_signal_handler_disconnect (dc, c->sig);
  g_free (c);
  channel_closed (rtc, dc);
}

static void
rtc_unref_closure (gpointer p, GClosure * closure)
{
  gst_libp2p_rtc_unref (p);
}

static void
channel_close_now (GstLibp2pRtc * rtc, GstWebRTCDataChannel * dc)
{
  gst_webrtc_data_channel_close (dc);
  /* closed already (the remote closed first): no notify will come */
  if (dc_is_closed (dc))
    on_ready_state (dc, NULL, rtc);
}

/* webrtcbin 1.22.0 .. 1.23.0 tear a closing channel down at buffered-amount
 * 0, counted before the push reached sctpenc: the last message (FIN_ACK,
 * RESET_STREAM) may go to an unlinked pad.  Like 1.23.1 (4c1de25e): the
 * appsrc's EOS first, the close once it passed (bounded; measured: 76 us
 * at the median). */
static void
channel_drain (GstWebRTCDataChannel * dc)
{
  gpointer *f;

  if (!gst_libp2p_webrtc_has_bug (GST_LIBP2P_WEBRTC_CLOSES_UNDRAINED) ||
      dc_state (dc) != GST_WEBRTC_DATA_CHANNEL_STATE_OPEN ||
      !g_str_equal (G_OBJECT_TYPE_NAME (dc), "WebRTCDataChannel") ||
      (f = dc_private_fields (dc)) == NULL ||
      !gst_libp2p_is_child (f[DC_APPSRC], f[DC_SRC_BIN]))
    return;
  if (!gst_libp2p_appsrc_drain (f[DC_APPSRC], DRAIN_US))
    GST_DEBUG ("channel %d: not drained (closing already, or %d ms)",
        dc_id (dc), (gint) (DRAIN_US / 1000));
}

void
gst_libp2p_channel_release (GstLibp2pChannel * ch)
{
  GstLibp2pRtc *rtc;
  gboolean stopping;
  Closing *c;
  guint i;

  if (ch == NULL)
    return;
  rtc = ch->rtc;
  for (i = 0; i < CH_N; i++)
    if (ch->sig[i])
      g_signal_handler_disconnect (ch->dc, ch->sig[i]);
  c = g_new0 (Closing, 1);
  c->dc = ch->dc;
  g_mutex_lock (&rtc->lock);
  if (rtc->closed) {
    /* webrtcbin stopped: nothing runs any more */
    g_mutex_unlock (&rtc->lock);
    g_object_unref (c->dc);
    g_free (c);
  } else {
    /* the CLOSED notify may drop @c's reference on webrtcbin's thread as
     * soon as the handler is connected: ours holds it meanwhile */
    GstWebRTCDataChannel *dc = g_object_ref (c->dc);

    c->sig = g_signal_connect_data (dc, "notify::ready-state",
        G_CALLBACK (on_ready_state), gst_libp2p_rtc_ref (rtc), rtc_unref_closure,
        0);
    g_ptr_array_add (rtc->closing, c);
    stopping = rtc->stopping;
    g_mutex_unlock (&rtc->lock);
    if (!stopping)
      channel_drain (dc);
    channel_close_now (rtc, dc);
    g_object_unref (dc);
  }
  gst_libp2p_rtc_unref (rtc);
  g_free (ch);
}
