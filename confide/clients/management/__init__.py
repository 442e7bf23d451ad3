"""Management commands of the clients app."""
