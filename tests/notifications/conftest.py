from tests.peers import smtp_server, unused_port, webhook_receiver

__all__ = ["smtp_server", "unused_port", "webhook_receiver"]
