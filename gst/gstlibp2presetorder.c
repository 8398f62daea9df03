/* gst-libp2p: one webrtcbin's stream resets kept apart from usrsctp's
 * handling of the remote's RE-CONFIG chunks (docs/element.md, "webrtcbin
 * 1.22", item 4)
 *
 * usrsctp (bundled in GStreamer's sctp plugin, 1.22 to main, and upstream
 * alike) hands every notification to sctpassociation's receive callback
 * with the association's lock released.  One such notification sits in
 * the middle of the handling of the remote's answer to one of our
 * Outgoing SSN Reset Requests (sctp_handle_stream_reset_response): the
 * request already counts as answered, but its streams are set back to
 * open only after the callback returned, read from the request's chunk.
 * A stream reset asked for in that window (sctpenc releasing another
 * channel's pad, on webrtcbin's thread) makes usrsctp send a new request
 * at once, and sending it frees the old request's chunk: the streams are
 * then read from freed memory, and the stream that was answered stays
 * "reset in flight" for good.  usrsctp refuses every later message on it
 * (EAGAIN); sctpenc retries the first one every 100 ms for ever, and as
 * it sends for one pad at a time, every channel of the connection waits
 * behind it.  Measured with a build of the plugin that logs usrsctp's
 * reset steps: each stall of the 10 x 500 waves benchmark (2 of 6 runs)
 * was exactly one such answer whose streams were read as {0} instead of
 * the stream requested, after another request was sent inside its
 * callback; none in the runs that did not stall.
 *
 * Kept apart here, from outside: sctpdec's chain function is wrapped, and
 * a packet that carries a RE-CONFIG chunk goes into usrsctp only while
 * no sctpenc pad is being released; a release waits while such a packet
 * is in usrsctp.  A release is seen from its pad's deactivation (sctpenc's
 * release_pad deactivates the pad right before it resets the stream) to
 * the pad's removal (right after).  Both waits are bounded (WAIT_MS), and
 * a deactivation not followed by the removal (the element going down)
 * stops counting after STALE_MS.
 *
 * o->lock is a leaf: never held while calling into a pad or usrsctp.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2presetorder.h"
#include "gstlibp2putil.h"

#include "sctp.h"

GST_DEBUG_CATEGORY_STATIC (libp2p_reset_order_debug);
#define GST_CAT_DEFAULT libp2p_reset_order_debug

/* a release or a packet in usrsctp takes well under a millisecond */
#define WAIT_MS 1000
#define STALE_MS 500

typedef struct
{
  GstPad *pad;                  /* identity only, no reference */
  gint64 since;
} Releasing;

struct _GstLibp2pResetOrder
{
  gint ref;
  GMutex lock;
  GCond cond;
  gboolean stopped;
  GThread *receiving;           /* in usrsctp with a RE-CONFIG packet */
  GArray *releasing;            /* Releasing: sctpenc pads, deactivated */
  GstElement *enc;              /* the sctpenc watched */
  GstPadChainFunction dec_chain;        /* the sctpdec's own, once wrapped */
  gulong sig_added, sig_removed;
};

#define ORDER_QUARK g_quark_from_static_string ("gst-libp2p-reset-order")

GstLibp2pResetOrder *
gst_libp2p_reset_order_new (void)
{
  GstLibp2pResetOrder *o = g_new0 (GstLibp2pResetOrder, 1);

  if (libp2p_reset_order_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (libp2p_reset_order_debug, "libp2presetorder", 0,
        "libp2p: stream resets apart from usrsctp's RE-CONFIG handling");
  o->ref = 1;
  g_mutex_init (&o->lock);
  g_cond_init (&o->cond);
  o->releasing = g_array_new (FALSE, FALSE, sizeof (Releasing));
  return o;
}

static GstLibp2pResetOrder *
order_ref (GstLibp2pResetOrder * o)
{
  g_atomic_int_inc (&o->ref);
  return o;
}

void
gst_libp2p_reset_order_unref (GstLibp2pResetOrder * o)
{
  if (!g_atomic_int_dec_and_test (&o->ref))
    return;
  gst_clear_object (&o->enc);
  g_array_unref (o->releasing);
  g_mutex_clear (&o->lock);
  g_cond_clear (&o->cond);
  g_free (o);
}

/* A release is under way (those deactivated longer ago are forgotten). */
static gboolean
releasing_locked (GstLibp2pResetOrder * o)
{
  gint64 now = g_get_monotonic_time ();
  guint i = 0;

  while (i < o->releasing->len) {
    Releasing *r = &g_array_index (o->releasing, Releasing, i);

    if (now - r->since < STALE_MS * G_TIME_SPAN_MILLISECOND) {
      i++;
      continue;
    }
    GST_DEBUG ("pad %p deactivated %d ms ago and not removed: no release",
        r->pad, STALE_MS);
    g_array_remove_index_fast (o->releasing, i);
  }
  return o->releasing->len > 0;
}

/* ---- sctpdec: the remote's packets into usrsctp ---- */

static gboolean
carries_reconfig (GstBuffer * buf)
{
  GstMapInfo map;
  gboolean found;

  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return FALSE;
  found = lp2p_sctp_has_chunk (map.data, map.size, LP2P_SCTP_CHUNK_RECONFIG);
  gst_buffer_unmap (buf, &map);
  return found;
}

static void
enter_receive (GstLibp2pResetOrder * o)
{
  gint64 end = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  g_mutex_lock (&o->lock);
  while (!o->stopped && releasing_locked (o) &&
      g_cond_wait_until (&o->cond, &o->lock, end));
  if (!o->stopped && releasing_locked (o))
    GST_WARNING ("a stream reset still under way after %d ms: the remote's "
        "RE-CONFIG goes into usrsctp beside it", WAIT_MS);
  o->receiving = g_thread_self ();
  g_mutex_unlock (&o->lock);
  GST_LOG ("a RE-CONFIG packet into usrsctp");
}

static void
leave_receive (GstLibp2pResetOrder * o)
{
  g_mutex_lock (&o->lock);
  o->receiving = NULL;
  g_cond_broadcast (&o->cond);
  g_mutex_unlock (&o->lock);
}

/* sctpdec's sink pad, the thread of the transport's receive path */
static GstFlowReturn
dec_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstLibp2pResetOrder *o = g_object_get_qdata (G_OBJECT (pad), ORDER_QUARK);
  gboolean apart = carries_reconfig (buf);
  GstFlowReturn ret;

  if (apart)
    enter_receive (o);
  ret = o->dec_chain (pad, parent, buf);
  if (apart)
    leave_receive (o);
  return ret;
}

static gboolean
attach_dec (GstLibp2pResetOrder * o, GstElement * dec)
{
  GstPad *sink = gst_element_get_static_pad (dec, "sink");
  gboolean ok;

  /* sctpdec's chain function uses no data of the pad's (1.22 .. main) */
  ok = sink && GST_PAD_CHAINFUNC (sink) && sink->chaindata == NULL &&
      g_object_get_qdata (G_OBJECT (sink), ORDER_QUARK) == NULL;
  g_mutex_lock (&o->lock);
  ok = ok && o->dec_chain == NULL && !o->stopped;
  if (ok)
    o->dec_chain = GST_PAD_CHAINFUNC (sink);
  g_mutex_unlock (&o->lock);
  if (ok) {
    /* added to webrtcbin, not linked yet: nothing flows */
    g_object_set_qdata_full (G_OBJECT (sink), ORDER_QUARK, order_ref (o),
        (GDestroyNotify) gst_libp2p_reset_order_unref);
    gst_pad_set_chain_function (sink, dec_chain);
  }
  gst_clear_object (&sink);
  return ok;
}

/* ---- sctpenc: the release of a pad resets its stream ---- */

/* sctpenc's release_pad (webrtcbin's thread, or the reaping's), or the
 * element going down (then no removal follows: not counted) */
static gboolean
enc_pad_activate (GstPad * pad, GstObject * parent, GstPadMode mode,
    gboolean active)
{
  GstLibp2pResetOrder *o = g_object_get_qdata (G_OBJECT (pad), ORDER_QUARK);
  gint64 end = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;
  GThread *self = g_thread_self ();
  Releasing r = { pad, 0 };
  gboolean changing;

  if (active || o == NULL || parent == NULL)
    return TRUE;
  GST_OBJECT_LOCK (parent);
  changing = GST_STATE_PENDING (parent) != GST_STATE_VOID_PENDING;
  GST_OBJECT_UNLOCK (parent);
  if (changing) {
    GST_LOG_OBJECT (pad, "deactivated by a state change");
    return TRUE;
  }
  g_mutex_lock (&o->lock);
  while (!o->stopped && o->receiving && o->receiving != self &&
      g_cond_wait_until (&o->cond, &o->lock, end));
  if (!o->stopped && o->receiving && o->receiving != self)
    GST_WARNING_OBJECT (pad, "the remote's RE-CONFIG still in usrsctp after "
        "%d ms: the stream is reset beside it", WAIT_MS);
  if (!o->stopped) {
    r.since = g_get_monotonic_time ();
    g_array_append_val (o->releasing, r);
  }
  g_mutex_unlock (&o->lock);
  GST_LOG_OBJECT (pad, "released: its stream is reset");
  return TRUE;
}

static void
on_enc_pad_added (GstElement * enc, GstPad * pad, GstLibp2pResetOrder * o)
{
  if (GST_PAD_DIRECTION (pad) != GST_PAD_SINK)
    return;
  if (GST_PAD_ACTIVATEMODEFUNC (pad) != NULL) {
    GST_DEBUG_OBJECT (pad, "has an activation function of its own: not "
        "watched");
    return;
  }
  g_object_set_qdata_full (G_OBJECT (pad), ORDER_QUARK, order_ref (o),
      (GDestroyNotify) gst_libp2p_reset_order_unref);
  gst_pad_set_activatemode_function (pad, enc_pad_activate);
}

static void
on_enc_pad_removed (GstElement * enc, GstPad * pad, GstLibp2pResetOrder * o)
{
  guint i;

  g_mutex_lock (&o->lock);
  for (i = 0; i < o->releasing->len; i++) {
    if (g_array_index (o->releasing, Releasing, i).pad == pad) {
      g_array_remove_index_fast (o->releasing, i);
      g_cond_broadcast (&o->cond);
      break;
    }
  }
  g_mutex_unlock (&o->lock);
}

static gboolean
attach_enc (GstLibp2pResetOrder * o, GstElement * enc)
{
  gboolean ok;

  g_mutex_lock (&o->lock);
  ok = o->enc == NULL && !o->stopped;
  if (ok)
    o->enc = gst_object_ref (enc);
  g_mutex_unlock (&o->lock);
  if (!ok)
    return FALSE;
  o->sig_added = g_signal_connect_data (enc, "pad-added",
      G_CALLBACK (on_enc_pad_added), order_ref (o),
      (GClosureNotify) gst_libp2p_reset_order_unref, 0);
  o->sig_removed = g_signal_connect_data (enc, "pad-removed",
      G_CALLBACK (on_enc_pad_removed), order_ref (o),
      (GClosureNotify) gst_libp2p_reset_order_unref, 0);
  return TRUE;
}

gboolean
gst_libp2p_reset_order_attach (GstLibp2pResetOrder * o, GstElement * element)
{
  if (gst_libp2p_is_factory (element, "sctpdec"))
    return attach_dec (o, element);
  if (gst_libp2p_is_factory (element, "sctpenc"))
    return attach_enc (o, element);
  return FALSE;
}

void
gst_libp2p_reset_order_stop (GstLibp2pResetOrder * o)
{
  GstElement *enc;

  g_mutex_lock (&o->lock);
  o->stopped = TRUE;
  g_cond_broadcast (&o->cond);
  enc = o->enc;
  o->enc = NULL;
  g_mutex_unlock (&o->lock);
  if (enc) {
    g_signal_handler_disconnect (enc, o->sig_added);
    g_signal_handler_disconnect (enc, o->sig_removed);
    gst_object_unref (enc);
  }
  /* sctpdec's pad keeps the wrapper and a reference to @o, which only
   * passes packets on now (@o holds nothing of sctpdec's: no cycle) */
}
