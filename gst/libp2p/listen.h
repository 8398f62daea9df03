/* gst-libp2p: what a WebRTC-direct listener decides before any webrtcbin
 *
 * libp2p/specs webrtc/webrtc-direct.md "Connection Establishment", server
 * side (../shared/spec/webrtc-direct.md §1.3, §1.5):
 *  - the listen address: /ip4|ip6/<address>/udp/<port>/webrtc-direct, port
 *    0 = any;
 *  - the credentials a client's first STUN Binding Request implies: its
 *    USERNAME is "<server ufrag>:<client ufrag>"; the server half's prefix
 *    says the version:
 *      v1  "libp2p+webrtc+v1/..." = U, and the USERNAME is U:U: both sides
 *          use U as ufrag and password;
 *      v2  "libp2p+webrtc+v2/" + P = S: the client kept its own ufrag C and
 *          password P; the server uses S as ufrag and password;
 *    any other prefix is refused, never guessed;
 *  - the client offer inferred from them (the SDP the client never sends),
 *    with a=setup:active so that webrtcbin answers as the DTLS server;
 *  - the DTLS certificate: ECDSA P-256, self-signed, SHA-256, X.509 v3.
 * Bounded: a USERNAME is at most LP2P_STUN_MAX_USERNAME bytes.
 */
#ifndef __LP2P_LISTEN_H__
#define __LP2P_LISTEN_H__

#include <glib.h>

G_BEGIN_DECLS

#define LP2P_LISTEN_ERROR (lp2p_listen_error_quark ())
GQuark lp2p_listen_error_quark (void);

typedef enum
{
  LP2P_LISTEN_ERROR_ADDRESS,    /* the listen address is not one we take */
  LP2P_LISTEN_ERROR_USERNAME,   /* the STUN USERNAME is not libp2p's */
  LP2P_LISTEN_ERROR_VERSION,    /* libp2p's, of a version we do not speak */
  LP2P_LISTEN_ERROR_CERTIFICATE,        /* generating or reading one */
} Lp2pListenError;

#define LP2P_UFRAG_PREFIX_V2 "libp2p+webrtc+v2/"
/* RFC 8839 §5.4: an ice-pwd is 22..256 ice-chars, an ice-ufrag 4..256 */
#define LP2P_ICE_PWD_MIN 22
#define LP2P_ICE_MAX 256
#define LP2P_STUN_MAX_USERNAME (2 * LP2P_ICE_MAX + 1)

typedef struct
{
  gint family;                  /* 4 or 6 */
  guint8 ip[16];
  gchar host[48];               /* canonical text */
  guint16 port;                 /* 0: any */
} Lp2pListenAddr;

gboolean lp2p_listen_addr_parse (const gchar * text, Lp2pListenAddr * addr,
    GError ** error);

typedef struct
{
  gint version;                 /* 1 or 2 */
  gchar *local;                 /* our ufrag = our password (U or S) */
  gchar *client_ufrag;          /* U or C */
  gchar *client_pwd;            /* U or P */
} Lp2pIceCredentials;

/* The credentials of a Binding Request's USERNAME (@len bytes, not
 * NUL-terminated). */
gboolean lp2p_ice_credentials_from_username (const guint8 * username,
    gsize len, Lp2pIceCredentials * out, GError ** error);
void lp2p_ice_credentials_clear (Lp2pIceCredentials * c);

/* The inferred client offer (CRLF line ends): data section mid 0, ICE
 * credentials of @c, a dummy fingerprint, a=setup:active, SCTP port 5000,
 * max-message-size 16384, one host candidate at the client's address
 * (@family 4 or 6, @host its text, @port). */
gchar *lp2p_sdp_client_offer (const Lp2pIceCredentials * c, gint family,
    const gchar * host, guint16 port);

/* A new DTLS certificate and its private key in one PEM string (what
 * GStreamer's dtlsdec "pem" takes). */
gchar *lp2p_certificate_generate (GError ** error);
/* TRUE if @pem holds a certificate and a private key that belongs to it. */
gboolean lp2p_certificate_check (const gchar * pem, GError ** error);

G_END_DECLS

#endif
