/* gst-libp2p: the stream-id reuse guard of one webrtcbin
 * (docs/element.md has the measurements and the sources read)
 *
 * webrtcbin (1.22 up to 1.29) hands a new SCTP stream to the data channel
 * that already has its id: sctpdec adds a pad src_<id> for the stream's
 * first message and webrtcbin's pad-added handler links it to
 * _find_data_channel_for_id ().  A remote that reuses the id of a channel
 * it has just closed (webrtcbin, libdatachannel and Chromium take the
 * lowest free id) can do so while our channel with that id is still
 * closing; the new stream's DCEP OPEN then goes to the old channel, which
 * drops it, and the remote's substream never opens.
 *
 * The guard sees sctpdec's new pads first (its handler is connected before
 * webrtcbin's) and last (a second handler, after webrtcbin's).  A pad for
 * an id whose live channel had its pad already is such a reuse.  The first
 * handler holds the stream's data in a probe; the last undoes webrtcbin's
 * link to the old channel; once the old channel is CLOSED the guard emits
 * pad-added again (from the thread pool), webrtcbin makes the new channel
 * and the held data flows into it.  (Not g_signal_stop_emission (): with
 * emissions on two threads it may stop the other one.)  Bounded: a stream
 * waits REUSE_WAIT_S at most, never while sctpdec stops its pad; then its
 * data is dropped, as without the guard.
 *
 * The other half: our reset of the old stream must have gone out before
 * the id carries anything new.  webrtcbin says CLOSED once it asked for
 * the reset, and sctpenc ignores usrsctp's refusal to send one while
 * another of ours is outstanding (RFC 6525: one at a time; usrsctp sends
 * it later).  So the guard reads our SCTP packets (gst/libp2p/sctp.h): a
 * channel that closes before its reset was seen leaves its id pending; a
 * new channel of ours waits until no id is pending, a reused inbound
 * stream until its id is not.  Bounded: RESET_WAIT_MS.  (That half is
 * gstlibp2preuse-resets.c.)
 *
 * g->lock guards the tables and flags; it is taken before a pad's lock.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2preuse-priv.h"
#include "gstlibp2putil.h"

#include <stdio.h>

GST_DEBUG_CATEGORY (libp2p_reuse_debug);
#define GST_CAT_DEFAULT libp2p_reuse_debug

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
  g->resets = g_hash_table_new (NULL, NULL);
  g->pending = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g->releasing = g_hash_table_new (NULL, NULL);
  g->our_parity = -1;
  return g;
}

GstLibp2pReuseGuard *
reuse_guard_ref (GstLibp2pReuseGuard * g)
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
  gst_clear_object (&g->enc_src);
  gst_clear_object (&g->dec_sink);
  g_hash_table_unref (g->live);
  g_hash_table_unref (g->held);
  g_hash_table_unref (g->resets);
  g_hash_table_unref (g->pending);
  g_hash_table_unref (g->releasing);
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

/* The held stream @id goes on once its link to the old channel is undone,
 * the old channel is CLOSED and our reset of the id went out: taken from
 * the table, for reuse_redispatch (). */
Held *
reuse_release_locked (GstLibp2pReuseGuard * g, guint id)
{
  Held *hd = g_hash_table_lookup (g->held, GUINT_TO_POINTER (id));

  if (hd == NULL || !hd->waiting || !hd->old_closed ||
      reuse_pending_locked (g, id))
    return NULL;
  g_hash_table_steal (g->held, GUINT_TO_POINTER (id));
  return hd;
}


/* Waits (bounded) until sctpenc has no request pad of stream @id left:
 * a channel on the id links one of that name.  Not under g->lock. */
void
reuse_wait_enc_pad_gone (GstLibp2pReuseGuard * g, guint id)
{
  GstElement *enc = NULL;
  gint64 end = g_get_monotonic_time () + PAD_WAIT_MS * G_TIME_SPAN_MILLISECOND;
  gchar name[16];

  g_mutex_lock (&g->lock);
  if (g->enc_src && !g->stopped)
    enc = gst_pad_get_parent_element (g->enc_src);
  g_mutex_unlock (&g->lock);
  if (enc == NULL)
    return;
  g_snprintf (name, sizeof (name), "sink_%u", id);
  for (;;) {
    GstPad *p = gst_element_get_static_pad (enc, name);

    if (p == NULL)
      break;
    gst_object_unref (p);
    if (g_get_monotonic_time () > end) {
      GST_WARNING_OBJECT (enc, "%s is still there after %d ms", name,
          PAD_WAIT_MS);
      break;
    }
    g_usleep (200);
  }
  gst_object_unref (enc);
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
    /* our reset of the id never showed: it went out of the tables */
    if (hd->waiting && hd->old_closed && g->sctpdec &&
        g_hash_table_lookup (g->held, GUINT_TO_POINTER (hd->id)) == hd) {
      Held *r = reuse_release_locked (g, hd->id);

      if (r)
        gst_element_call_async (g->sctpdec, reuse_redispatch_async, r, NULL);
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
void
reuse_redispatch (GstLibp2pReuseGuard * g, Held * hd)
{
  GstElement *sctpdec = NULL;
  gboolean linked = FALSE;

  if (!hd->fresh)
    reuse_wait_enc_pad_gone (g, hd->id);
  g_mutex_lock (&g->lock);
  if (!hd->drop && !g->stopped && g->sctpdec)
    sctpdec = gst_object_ref (g->sctpdec);
  g_mutex_unlock (&g->lock);
  if (sctpdec && hd->fresh) {
    linked = gst_pad_is_linked (hd->pad);
  } else if (sctpdec && gst_object_has_as_parent (GST_OBJECT (hd->pad),
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

void
reuse_redispatch_async (GstElement * sctpdec, gpointer hd)
{
  reuse_redispatch (((Held *) hd)->g, hd);
}

/* reuse_redispatch () off the calling thread: webrtcbin's (a channel's CLOSED;
 * webrtcbin 1.22 may say CLOSED before its task releasing the channel's
 * sctpenc pad, which reuse_redispatch () waits for, ran on that thread) or
 * sctpdec's (pad-added).  Waiting there ran PAD_WAIT_MS out, webrtcbin then
 * linked the new channel to a name still taken: a lost open.  Takes @hd. */
static void
redispatch_later (GstLibp2pReuseGuard * g, Held * hd)
{
  GstElement *sctpdec = NULL;

  g_mutex_lock (&g->lock);
  if (g->sctpdec)
    sctpdec = gst_object_ref (g->sctpdec);
  g_mutex_unlock (&g->lock);
  if (sctpdec)
    gst_element_call_async (sctpdec, reuse_redispatch_async, hd, NULL);
  else
    reuse_redispatch (g, hd);
  gst_clear_object (&sctpdec);
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
        G_CALLBACK (on_pad_added_after), reuse_guard_ref (g),
        (GClosureNotify) gst_libp2p_reuse_guard_unref, 0);
  l = g_hash_table_lookup (g->live, GUINT_TO_POINTER (id));
  GST_LOG_OBJECT (sctpdec, "stream %u: new pad (live channel: %s, our reset "
      "pending: %s)", id, l ? "yes" : "no",
      g_hash_table_contains (g->pending, GUINT_TO_POINTER (id)) ? "yes" : "no");
  if (l && l->padded && !g->stopped &&
      !g_hash_table_contains (g->held, GUINT_TO_POINTER (id))) {
    hd = g_new0 (Held, 1);
    hd->ref = 1;
    hd->g = reuse_guard_ref (g);
    hd->pad = gst_object_ref (pad);
    hd->id = id;
    hd->until = g_get_monotonic_time () + REUSE_WAIT_S * G_TIME_SPAN_SECOND;
    hd->probe = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_DATA_DOWNSTREAM,
        held_probe, held_ref (hd), held_unref);
    g_hash_table_insert (g->held, GUINT_TO_POINTER (id), hd);
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

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC ||
      sscanf (GST_PAD_NAME (pad), "src_%u", &id) != 1)
    return;
  g_mutex_lock (&g->lock);
  hd = g_hash_table_lookup (g->held, GUINT_TO_POINTER (id));
  if (hd && hd->pad == pad && !hd->waiting) {
    GstPad *peer = hd->fresh ? NULL : gst_pad_get_peer (pad);

    /* webrtcbin linked it to the old channel's sink_bin, or (that one had
     * just left its lists) to a new channel: that link stays, the data
     * waits only for our reset of the id */
    if (peer) {
      gst_pad_unlink (pad, peer);
      gst_object_unref (peer);
    }
    hd->waiting = TRUE;
    hd->old_closed |= hd->fresh;
    /* the old channel closed meanwhile */
    hd = reuse_release_locked (g, id);
  } else {
    hd = NULL;
  }
  g_mutex_unlock (&g->lock);
  if (hd)
    redispatch_later (g, hd);
}

gboolean
gst_libp2p_reuse_guard_attach (GstLibp2pReuseGuard * g, GstElement * sctpdec)
{
  guint sig = g_signal_lookup ("pad-added", GST_TYPE_ELEMENT);
  gboolean ok;

  if (gst_libp2p_is_factory (sctpdec, "sctpenc"))
    return reuse_attach_enc (g, sctpdec);
  if (!gst_libp2p_is_factory (sctpdec, "sctpdec"))
    return FALSE;
  g_mutex_lock (&g->lock);
  /* after webrtcbin's handler we would see the pad linked already */
  ok = g->sctpdec == NULL && !g->stopped &&
      !g_signal_has_handler_pending (sctpdec, sig, 0, FALSE);
  if (ok) {
    g->sctpdec = gst_object_ref (sctpdec);
    g->sig = g_signal_connect_data (sctpdec, "pad-added",
        G_CALLBACK (on_pad_added), reuse_guard_ref (g),
        (GClosureNotify) gst_libp2p_reuse_guard_unref, 0);
    g->dec_sink = gst_element_get_static_pad (sctpdec, "sink");
    if (g->dec_sink)
      g->dec_probe = gst_pad_add_probe (g->dec_sink,
          GST_PAD_PROBE_TYPE_BUFFER, reuse_dec_probe, reuse_guard_ref (g),
          (GDestroyNotify) gst_libp2p_reuse_guard_unref);
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
  l->born = reuse_resets_of_locked (g, id);
  if (!has_pad && g->our_parity < 0)
    g->our_parity = id % 2;
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
    /* webrtcbin asked for our reset: has it gone out? */
    if (g->enc_src && !g->stopped &&
        reuse_resets_of_locked (g, id) == l->born) {
      gint64 *at = g_new (gint64, 1);

      *at = g_get_monotonic_time ();
      g_hash_table_replace (g->pending, GINT_TO_POINTER (id), at);
      GST_LOG ("stream %d: closed before our reset of it went out", id);
    }
    g_hash_table_remove (g->live, GINT_TO_POINTER (id));
    hd = g_hash_table_lookup (g->held, GINT_TO_POINTER (id));
    if (hd)
      hd->old_closed = TRUE;
    /* (before the handler after webrtcbin's ran, that handler goes on) */
    hd = reuse_release_locked (g, id);
  }
  g_mutex_unlock (&g->lock);
  if (hd)
    redispatch_later (g, hd);
}

/* Between a held pad's two handlers: webrtcbin no longer found the old
 * channel (it left webrtcbin's lists at CLOSED, before our handler of
 * CLOSED ran) and made a new one.  Unlinking that (as if it were the old
 * channel) and emitting pad-added again later left the new channel holding
 * sctpenc's pad of the id: the next one failed to link (a lost open). */
void
gst_libp2p_reuse_guard_remote_channel (GstLibp2pReuseGuard * g, gint id)
{
  Held *hd;

  g_mutex_lock (&g->lock);
  hd = g_hash_table_lookup (g->held, GINT_TO_POINTER (id));
  if (hd && !hd->waiting) {
    GST_INFO ("stream %d: its old channel closed meanwhile: a new one", id);
    hd->fresh = TRUE;
  }
  g_mutex_unlock (&g->lock);
}

void
gst_libp2p_reuse_guard_block_new_streams (GstLibp2pReuseGuard * g)
{
  GstElement *sctpdec = NULL;

  g_mutex_lock (&g->lock);
  if (g->sctpdec && !g->blocked) {
    sctpdec = gst_object_ref (g->sctpdec);
    g->blocked = TRUE;
  }
  g_mutex_unlock (&g->lock);
  if (sctpdec == NULL)
    return;
  g_signal_handlers_block_matched (sctpdec, G_SIGNAL_MATCH_ID,
      g_signal_lookup ("pad-added", GST_TYPE_ELEMENT), 0, NULL, NULL, NULL);
  gst_object_unref (sctpdec);
}

void
gst_libp2p_reuse_guard_stop (GstLibp2pReuseGuard * g)
{
  GstElement *sctpdec;
  GstPad *enc, *dec;
  gulong sig, sig_after, probe, dprobe;

  g_mutex_lock (&g->lock);
  g->stopped = TRUE;
  sctpdec = g->sctpdec ? gst_object_ref (g->sctpdec) : NULL;
  sig = g->sig;
  sig_after = g->sig_after;
  g->sig = g->sig_after = 0;
  g_hash_table_remove_all (g->held);
  g_hash_table_remove_all (g->pending);
  enc = g->enc_src ? gst_object_ref (g->enc_src) : NULL;
  probe = g->enc_probe;
  g->enc_probe = 0;
  dec = g->dec_sink ? gst_object_ref (g->dec_sink) : NULL;
  dprobe = g->dec_probe;
  g->dec_probe = 0;
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
  if (enc && probe)
    gst_pad_remove_probe (enc, probe);
  gst_clear_object (&enc);
  if (dec && dprobe)
    gst_pad_remove_probe (dec, dprobe);
  gst_clear_object (&dec);
  if (sctpdec && sig)
    g_signal_handler_disconnect (sctpdec, sig);
  if (sctpdec && sig_after)
    g_signal_handler_disconnect (sctpdec, sig_after);
  gst_clear_object (&sctpdec);
}

