package dev.camelmsnftp.component;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.DefaultMessage;

/**
 * The consumer's memory of what it received ({@code idempotent=true}): a key per file, by default the sender, the
 * offered name and the size. The key is checked before the ACCEPT whenever it can be told from the offer: a duplicate is
 * then declined and not one byte of it moves. A key that needs the file's content (its expression reads the body) is
 * checked once the bytes are in: a duplicate is then dropped, and acknowledged as delivered so that the sender does not
 * send it again and again. Keys are added when taken (eagerly, so two copies offered at once are not both taken) and
 * removed again when the file does not arrive or its exchange fails, so that it can be sent again.
 */
final class IdempotentOffers {

    /** The default idempotentKey: sender, offered name and size. */
    static final String DEFAULT_KEY = "${header." + MsnftpConstants.REMOTE_USER + "}/${header."
                                      + MsnftpConstants.ORIGINAL_FILE_NAME + "}/${header." + MsnftpConstants.FILE_LENGTH + "}";

    /** What the key of an offer says before the ACCEPT. */
    enum Verdict {
        /** New: its key is noted. */
        NEW,
        /** Received before: decline it. */
        DUPLICATE,
        /** The key needs the content: decided once the bytes are in. */
        AFTER_RECEIPT
    }

    private final IdempotentRepository repository;
    private final Expression key;
    /** Keys noted before the ACCEPT, by transfer (sender and cookie), until the file arrives or does not. */
    private final Map<String, String> noted = new ConcurrentHashMap<>();

    IdempotentOffers(IdempotentRepository repository, Expression key) {
        this.repository = repository;
        this.key = key;
    }

    IdempotentRepository repository() {
        return repository;
    }

    /**
     * Checks an offer on {@code probe}, an exchange with the offer's headers whose body cannot be read (reading it shows
     * the key needs the content).
     */
    Verdict beforeAccept(Exchange probe, String transfer) {
        ProbeMessage message = new ProbeMessage(probe.getContext());
        message.setHeaders(probe.getIn().getHeaders());
        probe.setIn(message);
        String value = key.evaluate(probe, String.class);
        if (message.bodyRead || value == null) {
            return Verdict.AFTER_RECEIPT;
        }
        if (!repository.add(value)) {
            return Verdict.DUPLICATE;
        }
        noted.put(transfer, value);
        return Verdict.NEW;
    }

    /** The key of a transfer whose file will not arrive is forgotten again. */
    void notReceived(String transfer) {
        String value = noted.remove(transfer);
        if (value != null) {
            repository.remove(value);
        }
    }

    /** The key of a file that arrived, and whether it was received before. */
    record Received(String key, boolean duplicate) {
    }

    /**
     * A file arrived: the key noted before its ACCEPT, or, when the key needs the content, its key evaluated now (and
     * added when new). A key that evaluates to nothing is no key: the file is delivered and nothing noted.
     */
    Received received(Exchange exchange, String transfer) {
        String value = noted.remove(transfer);
        if (value != null) {
            return new Received(value, false);
        }
        value = key.evaluate(exchange, String.class);
        if (value == null) {
            return new Received(null, false);
        }
        return repository.add(value) ? new Received(value, false) : new Received(value, true);
    }

    /** The exchange of a file completed: confirm its key, or remove it when the exchange failed. */
    void done(String value, boolean failed) {
        if (value == null) {
            return;
        }
        if (failed) {
            repository.remove(value);
        } else {
            repository.confirm(value);
        }
    }

    /** A message whose body is not there yet; notes whether anyone tried to read it. */
    static final class ProbeMessage extends DefaultMessage {
        private volatile boolean bodyRead;

        ProbeMessage(CamelContext context) {
            super(context);
        }

        @Override
        public Object getBody() {
            bodyRead = true;
            return null;
        }
    }
}
