/**
 * The transfer (negotiation) layer (SPEC section 3.1): the invitation state machine that ties an invitation cookie
 * to an MSNFTP session, decides who listens, and owns the time-outs. Knows nothing of Camel.
 */
package dev.camelmsnftp.transfer;
