"""Scale-out of coding over many machines (Dask)."""
