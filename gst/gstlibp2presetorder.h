/* gst-libp2p: one webrtcbin's stream resets kept apart from usrsctp's
 * handling of the remote's RE-CONFIG chunks (see the .c) */
#ifndef __GST_LIBP2P_RESET_ORDER_H__
#define __GST_LIBP2P_RESET_ORDER_H__

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstLibp2pResetOrder GstLibp2pResetOrder;

GstLibp2pResetOrder *gst_libp2p_reset_order_new (void);
/* Watches @element when it is an sctpdec (the packets it hands to
 * usrsctp) or an sctpenc (the release of its pads, which resets their
 * streams); FALSE for anything else, or a second one of either. */
gboolean gst_libp2p_reset_order_attach (GstLibp2pResetOrder * o,
    GstElement * element);
/* Nothing waits any more (the webrtcbin is going down). */
void gst_libp2p_reset_order_stop (GstLibp2pResetOrder * o);
void gst_libp2p_reset_order_unref (GstLibp2pResetOrder * o);

G_END_DECLS

#endif
