/* gst-libp2p: multistream-select 1.0
 *
 * Each libp2p substream starts by agreeing on the protocol it will carry
 * (multiformats/multistream-select README; libp2p/specs connections/README.md
 * "Protocol Negotiation").  Every message is `uvarint(len) || utf8 || '\n'`,
 * the length counting the newline:
 *
 *   dialer   -> /multistream/1.0.0, /echo/1.0.0
 *   listener -> /multistream/1.0.0, /echo/1.0.0     (or "na": try another)
 *
 * Over WebRTC these bytes travel inside frames (frame.h), and frame
 * boundaries carry no meaning: several messages may share a frame and one
 * message may be split across frames.  So both state machines here take a
 * byte stream and keep what is incomplete.
 *
 * Rules enforced (../shared/spec/mss-webrtc.md section 3; litep2p PR #573):
 *  - The dialer sends the header once, with its first proposal.  After a
 *    "na" the next proposal goes alone, without the header (litep2p #576).
 *  - The first message the dialer reads must be the header; "na" or anything
 *    else first is a violation, and so is a second header.
 *  - The dialer succeeds only on the echo of the protocol it proposed last.
 *    An echo of an earlier or a not yet proposed protocol is a violation, and
 *    so is anything that follows a "na" before our next proposal could have
 *    been read (the listener cannot have answered it yet).
 *  - The listener expects the header first, echoes it once, then answers each
 *    proposal with its echo (accepted) or "na"; it answers "ls" with its
 *    list and a name that is not a valid protocol id with "na".  It answers
 *    at most LP2P_MSS_MAX_PROPOSALS proposals.
 *  - Bytes that follow the message completing the negotiation are the
 *    substream's first application data and are returned, never dropped
 *    (litep2p drops them, issue #583).
 *  - Lazy dialing (one protocol only): the substream is writable at once and
 *    the caller may send data right after the negotiation output, in later
 *    frames: litep2p's listener closes a channel whose proposal frame carries
 *    more bytes.  A "na" then means the data was lost: the result is
 *    LP2P_MSS_REJECTED like any refusal.
 *
 * Why a protocol named "na" or "ls" can never be negotiated: the listener
 * reads them as the control messages (smoldot says the same of "na"); such
 * names also fail lp2p_mss_protocol_validate() since they lack the '/'.
 */
#ifndef __LP2P_MSS_H__
#define __LP2P_MSS_H__

#include <glib.h>
#include "frame.h"

G_BEGIN_DECLS

#define LP2P_MSS_HEADER "/multistream/1.0.0"
#define LP2P_MSS_NA "na"
#define LP2P_MSS_LS "ls"

/* Longest message accepted, newline included: js-libp2p MAX_PROTOCOL_LENGTH
 * (1024, "conforming to go-libp2p").  smoldot reads only about 513 bytes, so
 * we never send protocol ids near this. */
#define LP2P_MSS_MAX_MESSAGE_LEN 1024
/* rust-libp2p and litep2p length_delimited.rs MAX_LEN_BYTES: the length
 * varint of a message takes at most 2 bytes. */
#define LP2P_MSS_LENGTH_MAX_BYTES 2
/* rust-libp2p misc/multistream-select protocol.rs MAX_PROTOCOL_LEN: the
 * longest protocol id we propose or accept. */
#define LP2P_MSS_MAX_PROTOCOL_LEN 140
/* Proposals a listener answers on one substream, and protocols a dialer may
 * propose (main + fallbacks).  A local bound: no source sets one. */
#define LP2P_MSS_MAX_PROPOSALS 32
/* rust-libp2p and litep2p protocol.rs MAX_PROTOCOLS: entries in an ls answer. */
#define LP2P_MSS_MAX_LS_PROTOCOLS 1000
/* Largest message we write: its length varint must fit in 2 bytes. */
#define LP2P_MSS_MAX_SEND_LEN 16383

#define LP2P_MSS_ERROR (lp2p_mss_error_quark ())
GQuark lp2p_mss_error_quark (void);

typedef enum
{
  LP2P_MSS_ERROR_INVALID_PROTOCOL,      /* a protocol id we were given */
  LP2P_MSS_ERROR_INVALID_ARGUMENT,
  LP2P_MSS_ERROR_MALFORMED,     /* a message or ls answer we read */
} Lp2pMssError;

typedef enum
{
  LP2P_MSS_READ_OK,
  LP2P_MSS_READ_NEED_MORE,
  LP2P_MSS_READ_INVALID,
} Lp2pMssReadResult;

/* Reads one message at the start of @data.  On OK, *@body points into @data
 * and *@body_len excludes the newline; *@consumed is the whole message.  On
 * INVALID, *@reason says why (length varint, empty, too long, no newline).
 * A declared length over @max_len is invalid as soon as the varint is read. */
Lp2pMssReadResult lp2p_mss_message_read (const guint8 * data, gsize len,
    gsize max_len, const guint8 ** body, gsize * body_len, gsize * consumed,
    const gchar ** reason);

/* Appends the message `uvarint(len+1) || s || '\n'` to @out.  @len is
 * strlen(s) when negative.  The caller keeps len+1 <= LP2P_MSS_MAX_SEND_LEN. */
void lp2p_mss_message_append (GByteArray * out, const gchar * s, gssize len);

/* A protocol id we may propose or accept: 1..LP2P_MSS_MAX_PROTOCOL_LEN bytes
 * of valid UTF-8, starting with '/', without '\n'. */
gboolean lp2p_mss_protocol_validate (const gchar * protocol, gssize len,
    GError ** error);

/* The ls answer: one message whose body is each protocol as a message, then
 * '\n'.  Protocols that would make it longer than LP2P_MSS_MAX_SEND_LEN, or
 * more than LP2P_MSS_MAX_LS_PROTOCOLS, are left out. */
void lp2p_mss_ls_response_append (GByteArray * out,
    const gchar * const *protocols);
/* Parses the body of an ls answer (the bytes inside the outer message,
 * newline included) into a NULL-terminated list; NULL + @error if malformed
 * or longer than LP2P_MSS_MAX_LS_PROTOCOLS entries. */
gchar **lp2p_mss_ls_response_parse (const guint8 * body, gsize len,
    GError ** error);

typedef enum
{
  LP2P_MSS_NEED_MORE,           /* negotiating: feed more input */
  LP2P_MSS_SUCCESS,             /* agreed; see _get_protocol, _take_leftover */
  LP2P_MSS_REJECTED,            /* dialer: every proposal refused */
  LP2P_MSS_VIOLATION,           /* the peer broke the protocol: _get_error */
} Lp2pMssStatus;

/* Listener: decides on a proposal that is not in its protocol list.  Called
 * synchronously from lp2p_mss_feed(). */
typedef gboolean (*Lp2pMssAcceptFunc) (const gchar * protocol,
    gpointer user_data);

typedef struct _Lp2pMss Lp2pMss;

/* A dialer proposing @protocols in order (main first, then fallbacks), at
 * most LP2P_MSS_MAX_PROPOSALS, each valid.  @lazy needs exactly one
 * protocol. */
Lp2pMss *lp2p_mss_dialer_new (const gchar * const *protocols, gboolean lazy,
    GError ** error);
/* A listener accepting @protocols (may be NULL) and whatever @accept says
 * yes to (may be NULL). */
Lp2pMss *lp2p_mss_listener_new (const gchar * const *protocols,
    Lp2pMssAcceptFunc accept, gpointer user_data);
void lp2p_mss_free (Lp2pMss * mss);

/* The first output: the dialer's header and first proposal, appended to
 * @out.  The listener has nothing to say before it reads the header. */
void lp2p_mss_start (Lp2pMss * mss, GByteArray * out);

/* Takes bytes from the peer, appends what to send back to @out (send it as
 * one frame: it is one negotiation step) and returns the status.  Must not be
 * called once the status is no longer LP2P_MSS_NEED_MORE. */
Lp2pMssStatus lp2p_mss_feed (Lp2pMss * mss, const guint8 * data, gsize len,
    GByteArray * out);

/* Takes one decoded WebRTC frame of the negotiating channel: its payload
 * goes to lp2p_mss_feed() first.  A flag is then a violation if the
 * negotiation is still unfinished (litep2p PR #622: "any flag is terminal
 * while opening"); if this frame's message completed it (status SUCCESS),
 * the flag belongs to the now open substream and the caller applies it
 * after the leftover data.  A frame without payload or flag is ignored. */
Lp2pMssStatus lp2p_mss_feed_frame (Lp2pMss * mss, const Lp2pFrame * frame,
    GByteArray * out);

Lp2pMssStatus lp2p_mss_get_status (const Lp2pMss * mss);
gboolean lp2p_mss_is_dialer (const Lp2pMss * mss);
/* The agreed protocol after success; for a dialer in progress, the protocol
 * proposed last. */
const gchar *lp2p_mss_get_protocol (const Lp2pMss * mss);
/* Why the negotiation failed (violation or rejection), else NULL. */
const gchar *lp2p_mss_get_error (const Lp2pMss * mss);
/* TRUE once application data may be sent: after success, or at once for a
 * lazy dialer still negotiating. */
gboolean lp2p_mss_is_writable (const Lp2pMss * mss);
/* Application bytes that followed the completing message (possibly empty);
 * the caller owns the result.  Only after LP2P_MSS_SUCCESS. */
GBytes *lp2p_mss_take_leftover (Lp2pMss * mss);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lp2pMss, lp2p_mss_free)

G_END_DECLS

#endif
