"""Time scales, frame rotations (TEME, ITRS, GCRS), WGS-84 geodesy and topocentric geometry, the Sun."""
