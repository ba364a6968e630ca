"""Staff accounts: who logs in, with which role and scope."""
