"""Line breaking: clreq rule tables, atoms and the total-fit breaker."""
