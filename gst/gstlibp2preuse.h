/* gst-libp2p: the stream-id reuse guard of one webrtcbin (see the .c) */
#ifndef __GST_LIBP2P_REUSE_H__
#define __GST_LIBP2P_REUSE_H__

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstLibp2pReuseGuard GstLibp2pReuseGuard;

GstLibp2pReuseGuard *gst_libp2p_reuse_guard_new (void);
/* Watches @sctpdec's new pads.  Must be called before webrtcbin connects
 * its own pad-added handler (from webrtcbin's element-added); FALSE (and
 * nothing watched) when @sctpdec is not an sctpdec or one is watched. */
gboolean gst_libp2p_reuse_guard_attach (GstLibp2pReuseGuard * g,
    GstElement * sctpdec);
/* Data channel @token (any pointer unique while it lives) has SCTP stream
 * @id; @has_pad: sctpdec gave it a pad already (a channel the remote
 * opened). */
void gst_libp2p_reuse_guard_live (GstLibp2pReuseGuard * g, gint id,
    gpointer token, gboolean has_pad);
/* @token is CLOSED: webrtcbin has forgotten it (idempotent). */
void gst_libp2p_reuse_guard_closed (GstLibp2pReuseGuard * g, gint id,
    gpointer token);
/* webrtcbin makes a channel for stream @id that the remote opened (its
 * prepare-data-channel, inside sctpdec's pad-added). */
void gst_libp2p_reuse_guard_remote_channel (GstLibp2pReuseGuard * g,
    gint id);
/* Waits (bounded) until no id webrtcbin could give our next channel still
 * waits for our reset of its closed channel to go out; call before
 * create-data-channel.  FALSE when stopped first, or once the SCTP
 * association ends (an ABORT or SHUTDOWN either way): no channel then.
 * TRUE: call gst_libp2p_reuse_guard_created() once create-data-channel
 * returned (the remote's ABORT or SHUTDOWN waits for it meanwhile). */
gboolean gst_libp2p_reuse_guard_wait_resets (GstLibp2pReuseGuard * g);
void gst_libp2p_reuse_guard_created (GstLibp2pReuseGuard * g);
/* No handler of sctpdec's pad-added runs from now on (webrtcbin's
 * included: it makes channels for new streams). */
void gst_libp2p_reuse_guard_block_new_streams (GstLibp2pReuseGuard * g);
/* Stops watching: a stream still waiting is dropped (the webrtcbin is
 * stopping). */
void gst_libp2p_reuse_guard_stop (GstLibp2pReuseGuard * g);
void gst_libp2p_reuse_guard_unref (GstLibp2pReuseGuard * g);

G_END_DECLS

#endif
