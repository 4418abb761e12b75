package dev.camelmsnftp.sip;

/** The final response to a request we sent. */
public record SipResponse(int status, String reason) {

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    @Override
    public String toString() {
        return status + " " + reason;
    }
}
