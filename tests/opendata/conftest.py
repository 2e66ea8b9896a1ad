from tests.peers import smtp_server

__all__ = ["smtp_server"]
