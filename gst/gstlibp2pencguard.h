/* gst-libp2p: sctpenc's pad release and its stop, one at a time (see the
 * .c) */
#ifndef __GST_LIBP2P_ENC_GUARD_H__
#define __GST_LIBP2P_ENC_GUARD_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* When @element is an sctpenc: from now on every sctpenc of the process
 * releases a pad and changes between PAUSED and READY one at a time.
 * FALSE for anything else. */
gboolean gst_libp2p_enc_guard_attach (GstElement * element);

G_END_DECLS

#endif
