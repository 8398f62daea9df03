/* gst-libp2p: the stream-id reuse guard of one webrtcbin
 *
 * webrtcbin (1.22 and every later version read, up to 1.29) hands a new
 * SCTP stream to the data channel that already has its id, if any:
 * sctpdec adds a pad src_<id> for the stream's first message and
 * webrtcbin's pad-added handler links it to _find_data_channel_for_id ().
 * A remote that reuses the id of a channel it has just closed (webrtcbin,
 * libdatachannel and Chromium all take the lowest free id) can do so while
 * this side's channel with that id is still closing: webrtcbin takes the
 * remote's reset and our channel's CLOSED a few tasks of its thread apart.
 * The new stream's DCEP OPEN then goes to the old channel, which drops it
 * (it is open already), and the remote's substream never opens: 0 to 3 of
 * 2,000 sequential opens here (docs/element.md).
 *
 * The guard sees sctpdec's new pads first (its handler is connected before
 * webrtcbin's) and last (a second handler, connected after webrtcbin's).
 * A pad for an id whose live channel had its pad already is such a reuse
 * (sctpdec makes a pad only where none is: the old one went with the
 * remote's reset).  The first handler holds the stream's data in a probe
 * on the pad; webrtcbin's links the pad to the old channel; the last
 * handler undoes that link.  Once the old channel is CLOSED (webrtcbin has
 * forgotten it) the guard emits pad-added again: webrtcbin makes the new
 * channel, links the pad to it, and the held data flows into it.  (Not
 * g_signal_stop_emission (): with emissions of the same signal on two
 * threads it may stop the other one.)  Bounded: a stream waits
 * REUSE_WAIT_S at most, and never while sctpdec stops its pad (the probe
 * would hold its task), then its data is dropped: the remote's
 * negotiation fails as it did before.
 *
 * g->lock guards the tables and flags; it is taken before a pad's lock.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2preuse.h"

#include <stdio.h>

GST_DEBUG_CATEGORY_STATIC (libp2p_reuse_debug);
#define GST_CAT_DEFAULT libp2p_reuse_debug

#define REUSE_WAIT_S 10
#define POLL_MS 10

struct _GstLibp2pReuseGuard
{
  gint ref;
  GMutex lock;
  GCond cond;
  GstElement *sctpdec;          /* watched, or NULL */
  gulong sig, sig_after;         /* before and after webrtcbin's */
  gboolean stopped;
  GHashTable *live;             /* id -> Live* */
  GHashTable *held;             /* id -> Held* */
  guint deferred;
};

/* A data channel webrtcbin knows by its id. */
typedef struct
{
  gpointer token;
  gboolean padded;              /* sctpdec gave it its pad */
} Live;

/* A new stream waiting for its id's old channel. */
typedef struct
{
  gint ref;
  GstLibp2pReuseGuard *g;       /* a reference */
  GstPad *pad;                  /* a reference */
  guint id;
  gulong probe;
  gboolean waiting;             /* its link to the old channel is undone */
  gboolean ready;               /* the old channel closed before that */
  gint64 until;
  gboolean go;                  /* linked to its new channel: pass */
  gboolean drop;                /* given up: drop */
} Held;

static Held *
held_ref (Held * hd)
{
  g_atomic_int_inc (&hd->ref);
  return hd;
}

static void
held_unref (gpointer p)
{
  Held *hd = p;

  if (!g_atomic_int_dec_and_test (&hd->ref))
    return;
  gst_object_unref (hd->pad);
  gst_libp2p_reuse_guard_unref (hd->g);
  g_free (hd);
}

GstLibp2pReuseGuard *
gst_libp2p_reuse_guard_new (void)
{
  GstLibp2pReuseGuard *g = g_new0 (GstLibp2pReuseGuard, 1);

  if (libp2p_reuse_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (libp2p_reuse_debug, "libp2preuse", 0,
        "libp2p: stream ids reused while their old channel closes");
  g->ref = 1;
  g_mutex_init (&g->lock);
  g_cond_init (&g->cond);
  g->live = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g->held = g_hash_table_new_full (NULL, NULL, NULL, held_unref);
  return g;
}

static GstLibp2pReuseGuard *
guard_ref (GstLibp2pReuseGuard * g)
{
  g_atomic_int_inc (&g->ref);
  return g;
}

void
gst_libp2p_reuse_guard_unref (GstLibp2pReuseGuard * g)
{
  if (g == NULL || !g_atomic_int_dec_and_test (&g->ref))
    return;
  g_clear_object (&g->sctpdec);
  g_hash_table_unref (g->live);
  g_hash_table_unref (g->held);
  g_mutex_clear (&g->lock);
  g_cond_clear (&g->cond);
  g_free (g);
}

/* @pad's task (sctpdec's loop for the stream) runs and this is its thread */
static gboolean
in_running_task (GstPad * pad)
{
  GstTask *task;
  gboolean mine;

  GST_OBJECT_LOCK (pad);
  task = GST_PAD_TASK (pad);
  mine = task && task->thread == g_thread_self () &&
      GST_TASK_STATE (task) == GST_TASK_STARTED;
  GST_OBJECT_UNLOCK (pad);
  return mine;
}

/* sctpdec's pad task, about to push the held stream's first event or
 * buffer: waits until the stream has its channel, or gives up.  Anything
 * pushed by another thread (an event sctpdec forwards from upstream) goes
 * as it would have: to an unlinked pad. */
static GstPadProbeReturn
held_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Held *hd = data;
  GstLibp2pReuseGuard *g = hd->g;
  gboolean go;

  if (!in_running_task (pad))
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&g->lock);
  while (!hd->go && !hd->drop) {
    gint64 now = g_get_monotonic_time ();

    /* sctpdec stopping the task waits for this thread */
    if (g->stopped || now >= hd->until ||
        gst_pad_get_task_state (pad) != GST_TASK_STARTED) {
      GST_WARNING_OBJECT (pad, "the reused stream's old channel did not "
          "close: its data is dropped");
      hd->drop = TRUE;
      break;
    }
    g_cond_wait_until (&g->cond, &g->lock, MIN (hd->until,
            now + POLL_MS * G_TIME_SPAN_MILLISECOND));
  }
  go = hd->go;
  g_mutex_unlock (&g->lock);
  return go ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
}

static void on_pad_added_after (GstElement * sctpdec, GstPad * pad,
    GstLibp2pReuseGuard * g);

/* @hd's old channel is CLOSED (webrtcbin has forgotten it): pad-added
 * again, so that webrtcbin makes the stream a channel of its own (our
 * handlers let it through: the id is no longer live, the pad no longer
 * held), then its data goes. Takes @hd. */
static void
redispatch (GstLibp2pReuseGuard * g, Held * hd)
{
  GstElement *sctpdec = NULL;
  gboolean linked = FALSE;

  g_mutex_lock (&g->lock);
  if (!hd->drop && !g->stopped && g->sctpdec)
    sctpdec = gst_object_ref (g->sctpdec);
  g_mutex_unlock (&g->lock);
  if (sctpdec && gst_object_has_as_parent (GST_OBJECT (hd->pad),
          GST_OBJECT (sctpdec))) {
    GST_INFO_OBJECT (sctpdec, "stream %u: its old channel closed, the new "
        "one goes on", hd->id);
    g_signal_emit_by_name (sctpdec, "pad-added", hd->pad);
    linked = gst_pad_is_linked (hd->pad);
  }
  g_mutex_lock (&g->lock);
  if (linked)
    hd->go = TRUE;
  else
    hd->drop = TRUE;
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
  if (linked)
    gst_pad_remove_probe (hd->pad, hd->probe);
  gst_clear_object (&sctpdec);
  held_unref (hd);
}

/* sctpdec's thread, before webrtcbin's handler: a reused id's pad is
 * held (and webrtcbin's handler will link it to the old channel: the
 * handler after it takes that link away). */
static void
on_pad_added (GstElement * sctpdec, GstPad * pad, GstLibp2pReuseGuard * g)
{
  guint id;
  Live *l;
  Held *hd = NULL;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC ||
      sscanf (GST_PAD_NAME (pad), "src_%u", &id) != 1)
    return;
  g_mutex_lock (&g->lock);
  if (g->sig_after == 0)        /* webrtcbin's handler is connected now */
    g->sig_after = g_signal_connect_data (sctpdec, "pad-added",
        G_CALLBACK (on_pad_added_after), guard_ref (g),
        (GClosureNotify) gst_libp2p_reuse_guard_unref, 0);
  l = g_hash_table_lookup (g->live, GUINT_TO_POINTER (id));
  if (l && l->padded && !g->stopped &&
      !g_hash_table_contains (g->held, GUINT_TO_POINTER (id))) {
    hd = g_new0 (Held, 1);
    hd->ref = 1;
    hd->g = guard_ref (g);
    hd->pad = gst_object_ref (pad);
    hd->id = id;
    hd->until = g_get_monotonic_time () + REUSE_WAIT_S * G_TIME_SPAN_SECOND;
    hd->probe = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_DATA_DOWNSTREAM,
        held_probe, held_ref (hd), held_unref);
    g_hash_table_insert (g->held, GUINT_TO_POINTER (id), hd);
    g->deferred++;
  } else if (l) {
    l->padded = TRUE;
  }
  g_mutex_unlock (&g->lock);
  if (hd)
    GST_INFO_OBJECT (sctpdec, "stream %u reused before its old channel "
        "closed: the new one waits for it", id);
}

/* sctpdec's thread, after webrtcbin's handler */
static void
on_pad_added_after (GstElement * sctpdec, GstPad * pad,
    GstLibp2pReuseGuard * g)
{
  Held *hd = NULL;
  guint id;
  gboolean now = FALSE;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC ||
      sscanf (GST_PAD_NAME (pad), "src_%u", &id) != 1)
    return;
  g_mutex_lock (&g->lock);
  hd = g_hash_table_lookup (g->held, GUINT_TO_POINTER (id));
  if (hd && hd->pad == pad && !hd->waiting) {
    GstPad *peer = gst_pad_get_peer (pad);

    /* webrtcbin linked it to the old channel's sink_bin */
    if (peer) {
      gst_pad_unlink (pad, peer);
      gst_object_unref (peer);
    }
    hd->waiting = TRUE;
    /* the old channel closed meanwhile */
    if (hd->ready) {
      g_hash_table_steal (g->held, GUINT_TO_POINTER (id));
      now = TRUE;
    }
  }
  g_mutex_unlock (&g->lock);
  if (now)
    redispatch (g, hd);
}

gboolean
gst_libp2p_reuse_guard_attach (GstLibp2pReuseGuard * g, GstElement * sctpdec)
{
  GstElementFactory *f = gst_element_get_factory (sctpdec);
  guint sig = g_signal_lookup ("pad-added", GST_TYPE_ELEMENT);
  gboolean ok;

  if (f == NULL || g_strcmp0 (GST_OBJECT_NAME (f), "sctpdec") != 0)
    return FALSE;
  g_mutex_lock (&g->lock);
  /* after webrtcbin's handler we would see the pad linked already */
  ok = g->sctpdec == NULL && !g->stopped &&
      !g_signal_has_handler_pending (sctpdec, sig, 0, FALSE);
  if (ok) {
    g->sctpdec = gst_object_ref (sctpdec);
    g->sig = g_signal_connect_data (sctpdec, "pad-added",
        G_CALLBACK (on_pad_added), guard_ref (g),
        (GClosureNotify) gst_libp2p_reuse_guard_unref, 0);
  }
  g_mutex_unlock (&g->lock);
  if (!ok)
    GST_WARNING_OBJECT (sctpdec, "not watched: stream ids reused early "
        "may lose their first message");
  return ok;
}

void
gst_libp2p_reuse_guard_live (GstLibp2pReuseGuard * g, gint id, gpointer token,
    gboolean has_pad)
{
  Live *l;

  if (id <= 0)
    return;
  l = g_new0 (Live, 1);
  l->token = token;
  l->padded = has_pad;
  g_mutex_lock (&g->lock);
  g_hash_table_replace (g->live, GINT_TO_POINTER (id), l);
  g_mutex_unlock (&g->lock);
}

void
gst_libp2p_reuse_guard_closed (GstLibp2pReuseGuard * g, gint id,
    gpointer token)
{
  Live *l;
  Held *hd = NULL;

  g_mutex_lock (&g->lock);
  l = g_hash_table_lookup (g->live, GINT_TO_POINTER (id));
  if (l && l->token == token) {
    g_hash_table_remove (g->live, GINT_TO_POINTER (id));
    hd = g_hash_table_lookup (g->held, GINT_TO_POINTER (id));
    /* before the handler after webrtcbin's ran, that handler goes on */
    if (hd && !hd->waiting) {
      hd->ready = TRUE;
      hd = NULL;
    } else if (hd) {
      g_hash_table_steal (g->held, GINT_TO_POINTER (id));
    }
  }
  g_mutex_unlock (&g->lock);
  if (hd)
    redispatch (g, hd);
}

guint
gst_libp2p_reuse_guard_deferred (GstLibp2pReuseGuard * g)
{
  guint n;

  g_mutex_lock (&g->lock);
  n = g->deferred;
  g_mutex_unlock (&g->lock);
  return n;
}

void
gst_libp2p_reuse_guard_stop (GstLibp2pReuseGuard * g)
{
  GstElement *sctpdec;
  gulong sig, sig_after;

  g_mutex_lock (&g->lock);
  g->stopped = TRUE;
  sctpdec = g->sctpdec ? gst_object_ref (g->sctpdec) : NULL;
  sig = g->sig;
  sig_after = g->sig_after;
  g->sig = g->sig_after = 0;
  g_hash_table_remove_all (g->held);
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
  if (sctpdec && sig)
    g_signal_handler_disconnect (sctpdec, sig);
  if (sctpdec && sig_after)
    g_signal_handler_disconnect (sctpdec, sig_after);
  gst_clear_object (&sctpdec);
}
