"""Industrial-chain gap analysis (产业链补链招商): the domain package. Never imports Streamlit."""
