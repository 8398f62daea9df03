/* gst-libp2p: the reuse guard's other half, our resets of closed streams
 * (see gstlibp2preuse.c): read from our SCTP packets on sctpenc's src pad
 * (RE-CONFIG Outgoing SSN Reset Requests, gst/libp2p/sctp.h); an id whose
 * channel closed before its reset went out is pending until it does. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2preuse-priv.h"

#define GST_CAT_DEFAULT libp2p_reuse_debug

/* ---- our resets ---- */

guint
reuse_resets_of_locked (GstLibp2pReuseGuard * g, guint id)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (g->resets,
          GUINT_TO_POINTER (id))) + g->resets_all;
}

/* @at (a pending id's close) is RESET_WAIT_MS ago: forget it */
static gboolean
expired (guint id, const gint64 * at)
{
  if (g_get_monotonic_time () - *at < RESET_WAIT_MS * G_TIME_SPAN_MILLISECOND)
    return FALSE;
  GST_WARNING ("stream %u: no reset of ours seen within %d ms of its "
      "channel's close", id, RESET_WAIT_MS);
  return TRUE;
}

/* Our reset of @id has not gone out since its last channel closed. */
gboolean
reuse_pending_locked (GstLibp2pReuseGuard * g, guint id)
{
  gint64 *at = g_hash_table_lookup (g->pending, GUINT_TO_POINTER (id));

  if (at == NULL)
    return FALSE;
  if (!expired (id, at))
    return TRUE;
  g_hash_table_remove (g->pending, GUINT_TO_POINTER (id));
  return FALSE;
}

/* An id webrtcbin could give our next channel is pending (ids of our
 * parity; any while we do not know it). */
static gboolean
ours_pending_locked (GstLibp2pReuseGuard * g)
{
  GHashTableIter it;
  gpointer k, v;
  gboolean any = FALSE;

  g_hash_table_iter_init (&it, g->pending);
  while (g_hash_table_iter_next (&it, &k, &v)) {
    guint id = GPOINTER_TO_UINT (k);

    if (expired (id, v))
      g_hash_table_iter_remove (&it);
    else if (g->our_parity < 0 || (gint) (id % 2) == g->our_parity)
      any = TRUE;
  }
  return any;
}

typedef struct
{
  GstLibp2pReuseGuard *g;
  GSList *released;             /* Held* to reuse_redispatch */
} Seen;

static void
seen_release (Seen * s, guint id)
{
  Held *hd = reuse_release_locked (s->g, id);

  if (hd)
    s->released = g_slist_prepend (s->released, hd);
}

/* One Outgoing SSN Reset Request of ours went out (under g->lock). */
static void
on_reset_seen (guint32 sn, const guint8 * streams, guint n, gpointer data)
{
  Seen *s = data;
  GstLibp2pReuseGuard *g = s->g;
  guint i;

  /* a retransmission repeats the request's sequence number (one request
   * is outstanding at a time) */
  if (g->have_sn && sn == g->last_sn)
    return;
  g->have_sn = TRUE;
  g->last_sn = sn;
  if (n == 0) {
    GList *ids = g_hash_table_get_keys (g->pending), *l;

    g->resets_all++;
    g_hash_table_remove_all (g->pending);
    for (l = ids; l; l = l->next)
      seen_release (s, GPOINTER_TO_UINT (l->data));
    g_list_free (ids);
  }
  for (i = 0; i < n; i++) {
    guint id = lp2p_sctp_stream_at (streams, i);

    g_hash_table_insert (g->resets, GUINT_TO_POINTER (id),
        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (g->resets,
                    GUINT_TO_POINTER (id))) + 1));
    g_hash_table_add (g->releasing, GUINT_TO_POINTER (id));
    if (g_hash_table_remove (g->pending, GUINT_TO_POINTER (id)))
      seen_release (s, id);
  }
}

/* The association ends (an ABORT or a SHUTDOWN seen): sctpenc refuses new
 * streams from now on, and webrtcbin 1.22, not told yet, would still try
 * (g_warn_if_reached in link_to_sctp). */
static void
mark_ending (GstLibp2pReuseGuard * g)
{
  g_mutex_lock (&g->lock);
  if (!g->ending)
    GST_INFO ("the SCTP association ends: no new stream");
  g->ending = TRUE;
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
  gst_libp2p_reuse_guard_block_new_streams (g);
}

/* (the log) the stream resets of a packet, @data: who sent it */
static void
log_reset (guint32 sn, const guint8 * streams, guint n, gpointer data)
{
  GST_LOG ("%s reset request %u: %u streams (0: all), the first %d",
      (const gchar *) data, sn, n, n ? lp2p_sctp_stream_at (streams, 0) : -1);
}

static void
log_response (guint32 sn, guint32 result, gpointer data)
{
  GST_LOG ("%s response to reset request %u: %u", (gchar *) data, sn, result);
}

static void
log_resets (const GstMapInfo * m, const gchar * who)
{
  if (gst_debug_category_get_threshold (GST_CAT_DEFAULT) < GST_LEVEL_LOG)
    return;
  lp2p_sctp_outgoing_resets (m->data, m->size, log_reset, (gpointer) who);
  lp2p_sctp_reset_responses (m->data, m->size, log_response, (gpointer) who);
}

/* sctpdec's sink pad: the remote's SCTP packets, one per buffer */
GstPadProbeReturn
reuse_dec_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;

  if (buf == NULL || !gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_PAD_PROBE_OK;
  log_resets (&map, "remote's");
  if (lp2p_sctp_chunk_types (map.data, map.size) & LP2P_SCTP_ENDING_CHUNKS) {
    GstLibp2pReuseGuard *g = data;
    gint64 end = g_get_monotonic_time () +
        CREATING_WAIT_MS * G_TIME_SPAN_MILLISECOND;

    mark_ending (g);
    /* A channel being created now links to sctpenc: before the remote's
     * ABORT or SHUTDOWN reaches usrsctp, or sctpenc refuses the stream and
     * webrtcbin 1.22 warns (g_warn_if_reached in link_to_sctp).  The
     * packet waits for it here (bounded; none starts after mark_ending). */
    g_mutex_lock (&g->lock);
    while (g->creating > 0 && !g->stopped &&
        g_cond_wait_until (&g->cond, &g->lock, end));
    g_mutex_unlock (&g->lock);
  }
  gst_buffer_unmap (buf, &map);
  return GST_PAD_PROBE_OK;
}

/* sctpenc's src pad: one SCTP packet of ours per buffer */
static GstPadProbeReturn
enc_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstLibp2pReuseGuard *g = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  Seen s = { g, NULL };
  GstElement *sctpdec = NULL;
  GstMapInfo map;
  GSList *l;

  if (buf == NULL || !gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_PAD_PROBE_OK;
  if (lp2p_sctp_chunk_types (map.data, map.size) & LP2P_SCTP_ENDING_CHUNKS)
    mark_ending (g);
  log_resets (&map, "our");
  /* resets are rare: look without the lock first */
  if (lp2p_sctp_outgoing_resets (map.data, map.size, NULL, NULL) > 0) {
    g_mutex_lock (&g->lock);
    lp2p_sctp_outgoing_resets (map.data, map.size, on_reset_seen, &s);
    if (s.released && g->sctpdec)
      sctpdec = gst_object_ref (g->sctpdec);
    g_cond_broadcast (&g->cond);
    g_mutex_unlock (&g->lock);
  }
  gst_buffer_unmap (buf, &map);
  /* not from this thread: it holds sctpenc's src pad */
  for (l = s.released; l; l = l->next) {
    if (sctpdec)
      gst_element_call_async (sctpdec, reuse_redispatch_async, l->data, NULL);
    else
      reuse_redispatch (g, l->data);
  }
  g_slist_free (s.released);
  gst_clear_object (&sctpdec);
  return GST_PAD_PROBE_OK;
}

/* Reads sctpenc's packets for our resets. */
gboolean
reuse_attach_enc (GstLibp2pReuseGuard * g, GstElement * sctpenc)
{
  GstPad *src = gst_element_get_static_pad (sctpenc, "src");
  gboolean ok;

  if (src == NULL)
    return FALSE;
  g_mutex_lock (&g->lock);
  ok = g->enc_src == NULL && !g->stopped;
  if (ok) {
    g->enc_src = gst_object_ref (src);
    g->enc_probe = gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER,
        enc_probe, reuse_guard_ref (g),
        (GDestroyNotify) gst_libp2p_reuse_guard_unref);
  }
  g_mutex_unlock (&g->lock);
  gst_object_unref (src);
  return ok;
}

gboolean
gst_libp2p_reuse_guard_wait_resets (GstLibp2pReuseGuard * g)
{
  gint64 t0 = g_get_monotonic_time ();
  gboolean clear, waited = FALSE;
  GList *ids, *l;

  g_mutex_lock (&g->lock);
  for (;;) {
    clear = !ours_pending_locked (g) && !g->ending;
    if (clear || g->stopped || g->ending)
      break;
    waited = TRUE;
    /* a pending id expires: poll */
    g_cond_wait_until (&g->cond, &g->lock, g_get_monotonic_time () +
        POLL_MS * G_TIME_SPAN_MILLISECOND);
  }
  ids = g_hash_table_get_keys (g->releasing);
  g_hash_table_remove_all (g->releasing);
  g_mutex_unlock (&g->lock);
  /* and their old channels' pads are gone from sctpenc */
  for (l = ids; l; l = l->next) {
    guint id = GPOINTER_TO_UINT (l->data);

    if (g->our_parity < 0 || (gint) (id % 2) == g->our_parity)
      reuse_wait_enc_pad_gone (g, id);
  }
  g_list_free (ids);
  if (waited)
    GST_DEBUG ("a new channel waited %" G_GINT64_FORMAT " us for our reset "
        "of a closed one", g_get_monotonic_time () - t0);
  /* from here until gst_libp2p_reuse_guard_created() the remote's end
   * waits for the creation (reuse_dec_probe) */
  g_mutex_lock (&g->lock);
  clear = clear && !g->ending && !g->stopped;
  if (clear)
    g->creating++;
  g_mutex_unlock (&g->lock);
  return clear;
}

void
gst_libp2p_reuse_guard_created (GstLibp2pReuseGuard * g)
{
  g_mutex_lock (&g->lock);
  if (g->creating > 0)          /* one per wait_resets () that said TRUE */
    g->creating--;
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
}
