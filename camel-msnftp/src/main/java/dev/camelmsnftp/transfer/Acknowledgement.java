package dev.camelmsnftp.transfer;

/**
 * When a receiver tells the sender "delivered" (option {@code acknowledge}, SPEC 5). Between two of our endpoints the
 * stricter applies only when both ask for it: the sender announces it can wait ({@code Delivery-Ack: Supported} in its
 * INVITE), the receiver promises it ({@code Delivery-Ack: After-Route} in its ACCEPT). Other peers never see a
 * difference.
 */
public enum Acknowledgement {
    /**
     * Only once the receiver's handler ({@link InboundHandler#onFile}, a Camel route) delivered the file: a failed
     * delivery is a failure at the sender. The sender waits at most {@link TransferSettings#ackTimeout()}.
     */
    AFTER_ROUTE,
    /** As soon as the receiver has every byte (and checked the MAC): the classic MSNFTP meaning of BYE. */
    AFTER_RECEIVE;

    /** {@code afterRoute} or {@code afterReceive}, in any case, with or without an underscore. */
    public static Acknowledgement parse(String text) {
        String wanted = text == null ? "" : text.trim().replace("_", "").replace("-", "");
        for (Acknowledgement value : values()) {
            if (value.name().replace("_", "").equalsIgnoreCase(wanted)) {
                return value;
            }
        }
        throw new IllegalArgumentException("Unknown acknowledge '" + text + "': use afterRoute or afterReceive");
    }

    /** As the option writes it: {@code afterRoute}, {@code afterReceive}. */
    public String optionValue() {
        return this == AFTER_ROUTE ? "afterRoute" : "afterReceive";
    }

    @Override
    public String toString() {
        return optionValue();
    }
}
