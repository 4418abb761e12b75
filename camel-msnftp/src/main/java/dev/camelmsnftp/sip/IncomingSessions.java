package dev.camelmsnftp.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import javax.sip.Dialog;

/** The IM sessions peers opened with an agent: the dialogs of the INVITEs it answered 200. */
final class IncomingSessions {

    private final RequestSender requests;
    private final Set<Dialog> dialogs = ConcurrentHashMap.newKeySet();

    IncomingSessions(RequestSender requests) {
        this.requests = requests;
    }

    /** A session a peer opened (its INVITE answered 200). */
    void add(Dialog dialog) {
        dialogs.add(dialog);
    }

    /** The peer ended the session (BYE) or its dialog terminated: not ours to BYE any more. */
    void forget(Dialog dialog) {
        dialogs.remove(dialog);
    }

    /** Ends every session (BYE); the futures complete when each is answered. */
    List<CompletableFuture<SipResponse>> closeAll() {
        List<CompletableFuture<SipResponse>> byes = new ArrayList<>();
        for (Dialog dialog : List.copyOf(dialogs)) {
            dialogs.remove(dialog);
            byes.add(requests.bye(dialog));
        }
        return byes;
    }

    /** Sessions still open. */
    int open() {
        return dialogs.size();
    }
}
