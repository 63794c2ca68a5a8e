package dev.pixmill.error;

/** The key's credits do not cover what the request costs (402); nothing was queued or charged. */
public final class InsufficientCreditsException extends PixmillException {

    private final long needed;
    private final long balance;

    public InsufficientCreditsException(long needed, long balance) {
        super("insufficient_credits", "this costs " + needed + (needed == 1 ? " credit" : " credits")
                + " and the API key has " + balance + " left");
        this.needed = needed;
        this.balance = balance;
    }

    public long needed() {
        return needed;
    }

    public long balance() {
        return balance;
    }

    @Override
    public int status() {
        return 402;
    }
}
